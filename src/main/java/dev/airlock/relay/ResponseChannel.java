package dev.airlock.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.sse.SseEncoder;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
  private final long keepAliveNanos;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile boolean closedByClient;
  private volatile Runnable onClientGone;
  private boolean streaming;
  private int eventCounter;
  // Written on the request's context only: when the stream last carried anything, and the timer
  // that keeps a held stream alive (-1 until the call is held).
  private long lastWriteNanos;
  private long keepAliveTimer = -1;

  ResponseChannel(
      HttpServerResponse response,
      Context context,
      String protocolVersion,
      String streamId,
      String method,
      long retryMillis,
      Duration keepAliveInterval) {
    this.response = response;
    this.context = context;
    this.protocolVersion = protocolVersion;
    this.streamId = streamId;
    this.method = method;
    this.retryMillis = retryMillis;
    this.keepAliveNanos = keepAliveInterval.toNanos();
    response.closeHandler(
        v -> {
          stopKeepAlive();
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
          write(SseEncoder.event(nextEventId(), message.toString()));
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

  /**
   * The call waits (say, for a reviewer): streams the answer now, so the client sees the exchange
   * is alive, and sends a keep-alive comment whenever the stream has been silent for the keep-alive
   * interval, so that no proxy on the way closes it as idle. Anything else written counts as
   * traffic: a client that gets progress more often than that gets no keep-alives.
   */
  void holdOpen() {
    onContext(
        () -> {
          if (!isOpen() || keepAliveTimer >= 0) {
            return;
          }
          startStreaming();
          write(SseEncoder.keepAlive());
          long period = Math.max(1, TimeUnit.NANOSECONDS.toMillis(keepAliveNanos));
          keepAliveTimer = context.owner().setPeriodic(period, timer -> keepAliveIfSilent());
        });
  }

  private void keepAliveIfSilent() {
    if (!isOpen()) {
      stopKeepAlive();
      return;
    }
    // A tenth of slack: the timer fires about an interval after the last keep-alive, never before.
    if (System.nanoTime() - lastWriteNanos >= keepAliveNanos - keepAliveNanos / 10) {
      write(SseEncoder.keepAlive());
    }
  }

  private void stopKeepAlive() {
    if (keepAliveTimer >= 0) {
      context.owner().cancelTimer(keepAliveTimer);
      keepAliveTimer = -1;
    }
  }

  /** An SSE retry hint from the upstream, passed on to the client. */
  void retryHint(long millis) {
    onContext(
        () -> {
          if (isOpen() && streaming) {
            write(SseEncoder.retry(millis));
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
          stopKeepAlive();
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
      write(SseEncoder.priming(nextEventId(), retryMillis));
    }
  }

  private void write(String chunk) {
    lastWriteNanos = System.nanoTime();
    response.write(chunk);
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
