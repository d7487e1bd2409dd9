package dev.airlock.sse;

/** Writes events in the {@code text/event-stream} format. */
public final class SseEncoder {

  private SseEncoder() {}

  public static String event(String id, String data) {
    StringBuilder out = new StringBuilder(data.length() + 32);
    if (id != null) {
      out.append("id: ").append(id).append('\n');
    }
    out.append("event: message\n");
    for (String line : data.split("\n", -1)) {
      out.append("data: ").append(line).append('\n');
    }
    return out.append('\n').toString();
  }

  /**
   * The priming event of the 2025-11-25 transport: an id and an empty data field, so the client can
   * resume from here, plus an optional reconnection delay.
   */
  public static String priming(String id, Long retryMillis) {
    StringBuilder out = new StringBuilder();
    out.append("id: ").append(id).append('\n');
    if (retryMillis != null) {
      out.append("retry: ").append(retryMillis).append('\n');
    }
    return out.append("data: \n\n").toString();
  }

  public static String retry(long millis) {
    return "retry: " + millis + "\n\n";
  }

  /** A comment line: keeps proxies and clients from timing out an idle stream. */
  public static String keepAlive() {
    return ": keep-alive\n\n";
  }
}
