package dev.airlock.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.sse.SseEncoder;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A session's standalone server-to-client stream (HTTP GET). Messages that belong to no request are
 * numbered and kept in a bounded buffer, so nothing is lost while the client has no stream open,
 * and a client that reconnects with {@code Last-Event-ID} gets what it missed.
 */
final class ServerStream {

  private record Event(long seq, String payload) {}

  private final String sessionId;
  private final int capacity;
  private final Deque<Event> buffer = new ArrayDeque<>();
  private long nextSeq = 1;
  private long deliveredUpTo;
  private HttpServerResponse open;
  private Context openContext;

  ServerStream(String sessionId, int capacity) {
    this.sessionId = sessionId;
    this.capacity = capacity;
  }

  synchronized boolean isOpen() {
    return open != null;
  }

  synchronized void publish(ObjectNode message) {
    Event event = new Event(nextSeq++, message.toString());
    buffer.addLast(event);
    while (buffer.size() > capacity) {
      buffer.removeFirst();
    }
    if (open != null) {
      write(event);
    }
  }

  /**
   * Attaches a client GET stream; replays what the client missed (after {@code lastEventId}, or
   * everything not yet delivered). Returns false when a stream is already open (the spec allows one
   * per session here, so the client gets 409).
   */
  synchronized boolean attach(
      HttpServerResponse response,
      Context context,
      String lastEventId,
      String version,
      long retry) {
    if (open != null) {
      return false;
    }
    open = response;
    openContext = context;
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache, no-transform")
        .putHeader("X-Accel-Buffering", "no");
    long from = deliveredUpTo;
    if (lastEventId != null) {
      from = parseSeq(lastEventId);
    }
    if (ProtocolVersions.primesStreams(version)) {
      response.write(SseEncoder.priming(eventId(from), retry));
    } else {
      response.write(SseEncoder.keepAlive());
    }
    for (Event event : buffer) {
      if (event.seq() > from) {
        write(event);
      }
    }
    response.closeHandler(v -> detach(response));
    return true;
  }

  synchronized void keepAlive() {
    if (open != null) {
      HttpServerResponse target = open;
      openContext.runOnContext(v -> target.write(SseEncoder.keepAlive()));
    }
  }

  synchronized void detach(HttpServerResponse response) {
    if (open == response) {
      open = null;
      openContext = null;
    }
  }

  synchronized void close() {
    if (open != null) {
      HttpServerResponse target = open;
      openContext.runOnContext(
          v -> {
            if (!target.ended()) {
              target.end();
            }
          });
      open = null;
    }
  }

  private void write(Event event) {
    HttpServerResponse target = open;
    deliveredUpTo = Math.max(deliveredUpTo, event.seq());
    String frame = SseEncoder.event(eventId(event.seq()), event.payload());
    openContext.runOnContext(
        v -> {
          if (!target.ended() && !target.closed()) {
            target.write(frame);
          }
        });
  }

  private String eventId(long seq) {
    return sessionId + ":" + seq;
  }

  private long parseSeq(String lastEventId) {
    int colon = lastEventId.lastIndexOf(':');
    if (colon < 0 || !lastEventId.substring(0, colon).equals(sessionId)) {
      return deliveredUpTo;
    }
    try {
      return Long.parseLong(lastEventId.substring(colon + 1));
    } catch (NumberFormatException e) {
      return deliveredUpTo;
    }
  }
}
