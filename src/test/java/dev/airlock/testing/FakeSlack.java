package dev.airlock.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Slack Web API on loopback that checks requests the way Slack does (bot token, required
 * fields, block structure), records them, and can be told to answer 429 or 500.
 */
public final class FakeSlack implements AutoCloseable {

  public static final String TOKEN = "xoxb-fake";

  /** The app-level token Socket Mode opens connections with. */
  public static final String APP_TOKEN = "xapp-fake";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One accepted call: the method and its parameters (JSON values parsed). */
  public record Call(String method, Map<String, String> params) {
    public JsonNode json(String param) {
      try {
        return JSON.readTree(params.get(param));
      } catch (Exception e) {
        return JSON.nullNode();
      }
    }
  }

  public final List<Call> calls = new CopyOnWriteArrayList<>();
  public final List<String> refusals = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final AtomicInteger ts = new AtomicInteger(1000);
  private volatile int failStatus;
  private volatile int failCount;
  private volatile String retryAfter;
  private volatile String refusedMethod;
  private volatile String refusal;
  private volatile String refusedMarker;
  public final AtomicInteger failuresServed = new AtomicInteger();
  private FakeSlackSocket socket;

  public FakeSlack() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/", this::handle);
    server.start();
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/";
  }

  /** The next {@code count} calls get this HTTP status (with Retry-After for 429). */
  public void failNext(int status, int count, String retryAfterSeconds) {
    this.retryAfter = retryAfterSeconds;
    this.failStatus = status;
    this.failCount = count;
  }

  /** The Socket Mode server {@code apps.connections.open} points at, started on first use. */
  public synchronized FakeSlackSocket socket() {
    if (socket == null) {
      socket = new FakeSlackSocket();
    }
    return socket;
  }

  /** The next call of {@code method} is answered {@code ok: false} with this error (HTTP 200). */
  public void refuseNext(String method, String error) {
    this.refusal = error;
    this.refusedMethod = method;
  }

  /**
   * Refuses every call whose parameters contain {@code marker} ({@code ok=false}, {@code
   * channel_not_found}) until {@link #stopRefusing()}: one message fails however many others are
   * sent meanwhile.
   */
  public void refuseCallsContaining(String marker) {
    this.refusedMarker = marker;
  }

  public void stopRefusing() {
    this.refusedMarker = null;
  }

  public List<Call> calls(String method) {
    return calls.stream().filter(c -> c.method().equals(method)).toList();
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestURI().getPath().substring("/api/".length());
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (failCount > 0) {
      failCount--;
      failuresServed.incrementAndGet();
      if (retryAfter != null) {
        exchange.getResponseHeaders().add("Retry-After", retryAfter);
      }
      reply(exchange, failStatus, "{\"ok\":false,\"error\":\"ratelimited\"}");
      return;
    }
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    Map<String, String> params = parse(body, exchange.getRequestHeaders().getFirst("Content-Type"));
    // apps.connections.open takes the app-level token, and only as a bearer header; the rest the
    // bot
    // token.
    boolean authorized =
        method.equals("apps.connections.open")
            ? ("Bearer " + APP_TOKEN).equals(auth)
            : ("Bearer " + TOKEN).equals(auth) || TOKEN.equals(params.get("token"));
    if (!authorized) {
      refusals.add(method + ": invalid_auth");
      reply(exchange, 200, "{\"ok\":false,\"error\":\"invalid_auth\"}");
      return;
    }
    if (method.equals(refusedMethod)) {
      refusedMethod = null;
      refusals.add(method + ": " + refusal);
      reply(exchange, 200, "{\"ok\":false,\"error\":\"" + refusal + "\"}");
      return;
    }
    String marker = refusedMarker;
    if (marker != null && params.values().stream().anyMatch(v -> v != null && v.contains(marker))) {
      refusals.add(method + ": channel_not_found");
      reply(exchange, 200, "{\"ok\":false,\"error\":\"channel_not_found\"}");
      return;
    }
    String error = check(method, params);
    if (error != null) {
      refusals.add(method + ": " + error);
      reply(exchange, 200, "{\"ok\":false,\"error\":\"" + error + "\"}");
      return;
    }
    calls.add(new Call(method, params));
    switch (method) {
      case "chat.postMessage" ->
          reply(
              exchange,
              200,
              "{\"ok\":true,\"channel\":\""
                  + params.get("channel")
                  + "\",\"ts\":\"1700000000."
                  + ts.incrementAndGet()
                  + "\"}");
      case "chat.update" ->
          reply(
              exchange,
              200,
              "{\"ok\":true,\"channel\":\""
                  + params.get("channel")
                  + "\",\"ts\":\""
                  + params.get("ts")
                  + "\"}");
      case "chat.postEphemeral" ->
          reply(exchange, 200, "{\"ok\":true,\"message_ts\":\"1700000000.1\"}");
      case "views.open" -> reply(exchange, 200, "{\"ok\":true,\"view\":{\"id\":\"V1\"}}");
      case "auth.test" ->
          reply(
              exchange,
              200,
              "{\"ok\":true,\"team_id\":\"T1\",\"user_id\":\"UBOT\",\"bot_id\":\"B1\"}");
      case "usergroups.users.list" ->
          reply(exchange, 200, "{\"ok\":true,\"users\":[\"UGROUP1\",\"UGROUP2\"]}");
      case "apps.connections.open" ->
          reply(exchange, 200, "{\"ok\":true,\"url\":\"" + socket().url() + "\"}");
      default -> reply(exchange, 200, "{\"ok\":false,\"error\":\"unknown_method\"}");
    }
  }

  /** Slack's own checks, as far as Airlock's calls go. */
  private static String check(String method, Map<String, String> p) {
    switch (method) {
      case "chat.postMessage", "chat.update" -> {
        if (p.get("channel") == null) {
          return "channel_not_found";
        }
        if (method.equals("chat.update") && p.get("ts") == null) {
          return "message_not_found";
        }
        if (p.get("text") == null && p.get("blocks") == null) {
          return "no_text";
        }
        return blocksError(p.get("blocks"));
      }
      case "chat.postEphemeral" -> {
        return p.get("channel") == null || p.get("user") == null || p.get("text") == null
            ? "invalid_arguments"
            : null;
      }
      case "views.open" -> {
        return p.get("trigger_id") == null || p.get("view") == null ? "invalid_arguments" : null;
      }
      case "usergroups.users.list" -> {
        return p.get("usergroup") == null ? "no_such_subteam" : null;
      }
      default -> {
        return null;
      }
    }
  }

  private static String blocksError(String blocks) {
    if (blocks == null) {
      return null;
    }
    try {
      JsonNode array = JSON.readTree(blocks);
      if (!array.isArray() || array.isEmpty() || array.size() > 50) {
        return "invalid_blocks";
      }
      Set<String> actionIds = new HashSet<>();
      for (JsonNode block : array) {
        if (!block.hasNonNull("type")) {
          return "invalid_blocks";
        }
        for (JsonNode element : block.path("elements")) {
          if (element.has("action_id") && !actionIds.add(element.get("action_id").asText())) {
            return "invalid_blocks";
          }
        }
        if (block.path("type").asText().equals("section")
            && block.path("text").path("text").asText("").length() > 3000) {
          return "invalid_blocks";
        }
      }
      return null;
    } catch (Exception e) {
      return "invalid_blocks";
    }
  }

  private static Map<String, String> parse(String body, String contentType) throws IOException {
    Map<String, String> params = new LinkedHashMap<>();
    if (contentType != null && contentType.startsWith("application/json")) {
      JSON.readTree(body)
          .fields()
          .forEachRemaining(
              e ->
                  params.put(
                      e.getKey(),
                      e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
      return params;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    synchronized (this) {
      if (socket != null) {
        socket.close();
      }
    }
  }
}
