package dev.airlock.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Receives what an upstream session sends outside any request, and its end. */
public interface UpstreamListener {

  /** A message on the upstream's standalone stream (HTTP GET) or unrelated to any request. */
  void onUnsolicited(ObjectNode message);

  /** The upstream ended the session (HTTP 404 for its session id, process gave up). */
  void onSessionEnded(String reason);
}
