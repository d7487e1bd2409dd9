package dev.airlock.sse;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental decoder for the {@code text/event-stream} format (WHATWG HTML, "Server-sent events"):
 * feed it bytes as they arrive, it emits each complete event. Vert.x has no SSE client, and the
 * relay needs the raw events (ids, retry) rather than a higher-level subscription.
 */
public final class SseDecoder {

  private final Consumer<SseEvent> sink;
  private final StringBuilder line = new StringBuilder();
  private final StringBuilder data = new StringBuilder();
  private final int maxEventChars;
  private String id;
  private String event;
  private Long retry;
  private boolean hasData;
  private boolean lastWasCr;

  public SseDecoder(Consumer<SseEvent> sink, int maxEventChars) {
    this.sink = sink;
    this.maxEventChars = maxEventChars;
  }

  /** Feeds the next chunk (any split, UTF-8). */
  public void feed(byte[] chunk) {
    feed(new String(chunk, StandardCharsets.UTF_8));
  }

  public void feed(String chunk) {
    for (int i = 0; i < chunk.length(); i++) {
      char c = chunk.charAt(i);
      if (c == '\n' && lastWasCr) {
        lastWasCr = false;
        continue;
      }
      lastWasCr = c == '\r';
      if (c == '\n' || c == '\r') {
        processLine(line.toString());
        line.setLength(0);
      } else {
        line.append(c);
        if (line.length() + data.length() > maxEventChars) {
          throw new IllegalStateException("SSE event larger than " + maxEventChars + " chars");
        }
      }
    }
  }

  private void processLine(String text) {
    if (text.isEmpty()) {
      dispatch();
      return;
    }
    if (text.startsWith(":")) {
      return; // comment, used for keep-alives
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          id = value;
        }
      }
      case "event" -> event = value;
      case "retry" -> {
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
          retry = Long.parseLong(value);
        }
      }
      default -> {
        // unknown fields are ignored, as the format requires
      }
    }
  }

  private void dispatch() {
    if (hasData || id != null || retry != null) {
      sink.accept(new SseEvent(id, event, hasData ? data.toString() : null, retry));
    }
    data.setLength(0);
    hasData = false;
    event = null;
    retry = null;
    id = null;
  }
}
