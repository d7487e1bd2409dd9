package dev.airlock.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.sse.SseEncoder;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The answer to one client POST. It starts undecided: if the only thing to send is the final
 * response, it goes out as {@code application/json}; as soon as anything else must be sent first
 * (progress, a server-to-client request, a keep-alive), it becomes an SSE stream. Every write hops
 * onto the request's Vert.x context, so callers may write from any thread.
 */
final class ResponseChannel {

  private final HttpServerResponse response;
  private final Context context;
  private final String protocolVersion;
  private final String streamId;
  private final String method;
  private final long retryMillis;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile boolean closedByClient;
  private volatile Runnable onClientGone;
  private boolean streaming;
  private int eventCounter;

  ResponseChannel(
      HttpServerResponse response,
      Context context,
      String protocolVersion,
      String streamId,
      String method,
      long retryMillis) {
    this.response = response;
    this.context = context;
    this.protocolVersion = protocolVersion;
    this.streamId = streamId;
    this.method = method;
    this.retryMillis = retryMillis;
    response.closeHandler(
        v -> {
          if (!finished.get()) {
            closedByClient = true;
            Runnable action = onClientGone;
            if (action != null) {
              action.run();
            }
          }
        });
  }

  /** Runs if the client drops the connection before the exchange finished. */
  void onClientGone(Runnable action) {
    this.onClientGone = action;
    if (closedByClient) {
      action.run();
    }
  }

  /** The JSON-RPC method of the request this channel answers, or null for notifications. */
  String method() {
    return method;
  }

  boolean isOpen() {
    return !finished.get() && !closedByClient;
  }

  /** A message before the final response: switches to SSE. */
  void send(ObjectNode message) {
    onContext(
        () -> {
          if (!isOpen()) {
            return;
          }
          startStreaming();
          response.write(SseEncoder.event(nextEventId(), message.toString()));
        });
  }

  /** Answers as an SSE stream even if only the response follows, as the upstream did. */
  void streamNow() {
    onContext(
        () -> {
          if (isOpen()) {
            startStreaming();
          }
        });
  }

  void keepAlive() {
    onContext(
        () -> {
          if (!isOpen()) {
            return;
          }
          startStreaming();
          response.write(SseEncoder.keepAlive());
        });
  }

  /** An SSE retry hint from the upstream, passed on to the client. */
  void retryHint(long millis) {
    onContext(
        () -> {
          if (isOpen() && streaming) {
            response.write(SseEncoder.retry(millis));
          }
        });
  }

  /** The final JSON-RPC response; ends the exchange. */
  void finish(ObjectNode message) {
    onContext(
        () -> {
          if (!finished.compareAndSet(false, true) || closedByClient) {
            return;
          }
          if (streaming) {
            response.end(SseEncoder.event(nextEventId(), message.toString()));
          } else {
            response.putHeader("Content-Type", "application/json").end(message.toString());
          }
        });
  }

  /** Ends without a response body (202 for notifications and responses). */
  void accepted() {
    onContext(
        () -> {
          if (finished.compareAndSet(false, true) && !closedByClient) {
            response.setStatusCode(202).end();
          }
        });
  }

  private void startStreaming() {
    if (streaming) {
      return;
    }
    streaming = true;
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache, no-transform")
        .putHeader("X-Accel-Buffering", "no");
    if (ProtocolVersions.primesStreams(protocolVersion)) {
      response.write(SseEncoder.priming(nextEventId(), retryMillis));
    }
  }

  private String nextEventId() {
    return streamId + "-" + (eventCounter++);
  }

  private void onContext(Runnable action) {
    if (Context.isOnEventLoopThread() && Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
