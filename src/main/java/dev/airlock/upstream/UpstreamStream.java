package dev.airlock.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Receives what the upstream sends in answer to one request: notifications and server-to-client
 * requests related to it, then its response. Exactly one of {@link #onEnd()} or {@link
 * #onError(UpstreamException)} ends the stream.
 */
public interface UpstreamStream {

  /** One message, parsed for this stream alone: the receiver may keep and change it. */
  void onMessage(ObjectNode message);

  /** The upstream answers this request with an SSE stream (the relay mirrors that). */
  default void onStreamOpened() {}

  /** An SSE {@code retry} hint from the upstream, in milliseconds. */
  default void onRetryHint(long millis) {}

  void onEnd();

  void onError(UpstreamException error);
}
