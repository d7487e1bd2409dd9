package dev.airlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal MCP server (Streamable HTTP, JSON answers) on loopback that the benchmarks put behind
 * Airlock. It records when each {@code tools/call} arrives, by the call's {@code marker} argument,
 * in epoch microseconds: Airlock runs on the same machine, so these times compare with the decision
 * times Airlock stores.
 */
final class BenchUpstream implements HeldCallsUpstream {

  /** Tool the bench policy holds for approval. */
  static final String HELD = "BenchHeld";

  /** Tool the bench policy allows. */
  static final String ALLOWED = "BenchAllowed";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
  private final Map<String, Boolean> sessions = new ConcurrentHashMap<>();
  private final AtomicLong heldCalls = new AtomicLong();
  private final HttpServer server;

  BenchUpstream(Vertx vertx) throws Exception {
    server =
        vertx
            .createHttpServer()
            .requestHandler(this::handle)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @Override
  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/mcp";
  }

  /** Arrival of the call with this marker, epoch microseconds, or null if it has not arrived. */
  Long arrival(String marker) {
    return arrivals.get(marker);
  }

  @Override
  public long heldCalls() {
    return heldCalls.get();
  }

  static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  private void handle(HttpServerRequest request) {
    // Taken when the request head arrives: the moment the call reached the upstream.
    long arrived = epochMicros();
    if (!"POST".equals(request.method().name())) {
      // No standalone server stream: the specification allows 405.
      request.response().setStatusCode(405).putHeader("Allow", "POST").end();
      return;
    }
    request.body(
        body -> {
          if (body.failed()) {
            request.response().setStatusCode(400).end();
            return;
          }
          onPost(request, body.result().getBytes(), arrived);
        });
  }

  private void onPost(HttpServerRequest request, byte[] body, long arrived) {
    JsonNode message;
    try {
      message = JSON.readTree(body);
    } catch (Exception e) {
      request.response().setStatusCode(400).end();
      return;
    }
    String method = message.path("method").asText(null);
    JsonNode id = message.get("id");
    if ("initialize".equals(method)) {
      String session = UUID.randomUUID().toString();
      sessions.put(session, true);
      ObjectNode result = JSON.createObjectNode();
      result.put("protocolVersion", message.path("params").path("protocolVersion").asText());
      result.putObject("capabilities").putObject("tools").put("listChanged", false);
      result.putObject("serverInfo").put("name", "bench-upstream").put("version", "1");
      request.response().putHeader("Mcp-Session-Id", session);
      json(request, response(id, result));
      return;
    }
    if (id == null || method == null) {
      request.response().setStatusCode(202).end();
      return;
    }
    switch (method) {
      case "tools/list" -> json(request, response(id, tools()));
      case "tools/call" -> {
        JsonNode params = message.path("params");
        String marker = params.path("arguments").path("marker").asText("");
        arrivals.putIfAbsent(marker, arrived);
        if (HELD.equals(params.path("name").asText())) {
          heldCalls.incrementAndGet();
        }
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", "done " + marker);
        json(request, response(id, result));
      }
      default -> json(request, response(id, JSON.createObjectNode()));
    }
  }

  private static ObjectNode tools() {
    ObjectNode result = JSON.createObjectNode();
    var list = result.putArray("tools");
    for (String name : new String[] {HELD, ALLOWED}) {
      ObjectNode tool = list.addObject();
      tool.put("name", name);
      tool.put("description", "benchmark tool");
      ObjectNode schema = tool.putObject("inputSchema");
      schema.put("type", "object");
      schema.putObject("properties").putObject("marker").put("type", "string");
    }
    return result;
  }

  private static ObjectNode response(JsonNode id, ObjectNode result) {
    ObjectNode root = JSON.createObjectNode();
    root.put("jsonrpc", "2.0");
    root.set("id", id);
    root.set("result", result);
    return root;
  }

  private static void json(HttpServerRequest request, ObjectNode body) {
    request
        .response()
        .setStatusCode(200)
        .putHeader("Content-Type", "application/json")
        .end(body.toString());
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
