package dev.airlock.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.upstream.Upstreams;
import dev.airlock.upstream.http.HttpUpstream;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The demo upstream: a small MCP server (Streamable HTTP, JSON responses) with simulated
 * HealthOmics tools, on its own loopback port, registered as upstream {@code healthomics}. It is
 * reached over real HTTP like any other upstream, never by a method call.
 */
@ApplicationScoped
public class DemoUpstream {

  private static final Logger LOG = Logger.getLogger(DemoUpstream.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> VERSIONS = Set.of("2025-11-25", "2025-06-18", "2025-03-26");

  @ConfigProperty(name = "airlock.demo.enabled", defaultValue = "true")
  boolean enabled;

  @ConfigProperty(name = "airlock.demo.port", defaultValue = "8091")
  int port;

  @ConfigProperty(name = "airlock.demo.name", defaultValue = "healthomics")
  String name;

  @Inject Vertx vertx;
  @Inject Upstreams upstreams;

  private final HealthOmicsTools tools = new HealthOmicsTools();
  private final Map<String, Boolean> sessions = new ConcurrentHashMap<>();
  private volatile String url;

  // The demo server stands for a separate MCP server: it gets its own Vert.x instance so its work
  // never waits on, or delays, the event loops that relay agents' calls.
  private Vertx serverVertx;

  void start(@Observes StartupEvent event) throws Exception {
    if (!enabled) {
      return;
    }
    serverVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    HttpServer server =
        serverVertx
            .createHttpServer()
            .requestHandler(this::handle)
            .listen(port, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    url = "http://127.0.0.1:" + server.actualPort() + "/mcp";
    upstreams.register(
        new HttpUpstream(
            name, url, Map.of(), Duration.ofSeconds(30), Duration.ofSeconds(5), vertx));
    LOG.infof("Demo HealthOmics MCP server on %s (upstream '%s')", url, name);
  }

  void stop(@Observes ShutdownEvent event) throws Exception {
    if (serverVertx != null) {
      serverVertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  /** Where the demo server listens, or null when disabled. */
  public String url() {
    return url;
  }

  private void handle(HttpServerRequest request) {
    if (!request.path().equals("/mcp")) {
      request.response().setStatusCode(404).end();
      return;
    }
    switch (request.method().name()) {
      case "POST" ->
          request.body(
              body -> {
                if (body.failed()) {
                  request.response().setStatusCode(400).end();
                  return;
                }
                onPost(request, body.result().getBytes());
              });
      case "DELETE" -> {
        String session = request.getHeader("Mcp-Session-Id");
        boolean known = session != null && sessions.remove(session) != null;
        request.response().setStatusCode(known ? 200 : 404).end();
      }
      default -> request.response().setStatusCode(405).putHeader("Allow", "POST, DELETE").end();
    }
  }

  private void onPost(HttpServerRequest request, byte[] body) {
    JsonNode message;
    try {
      message = JSON.readTree(body);
    } catch (Exception e) {
      json(request, 400, error(null, -32700, "Parse error"));
      return;
    }
    String method = message.path("method").asText(null);
    JsonNode id = message.get("id");
    if ("initialize".equals(method)) {
      String session = UUID.randomUUID().toString();
      sessions.put(session, true);
      String requested = message.path("params").path("protocolVersion").asText();
      ObjectNode result = JSON.createObjectNode();
      result.put("protocolVersion", VERSIONS.contains(requested) ? requested : "2025-11-25");
      result.putObject("capabilities").putObject("tools").put("listChanged", false);
      result
          .putObject("serverInfo")
          .put("name", "airlock-demo-healthomics")
          .put("version", "1.0.0");
      result.put(
          "instructions", "Simulated AWS HealthOmics workflow runs. No AWS account is touched.");
      request.response().putHeader("Mcp-Session-Id", session);
      json(request, 200, response(id, result));
      return;
    }
    String session = request.getHeader("Mcp-Session-Id");
    if (session == null || !sessions.containsKey(session)) {
      json(request, session == null ? 400 : 404, error(id, -32600, "Unknown or missing session"));
      return;
    }
    if (id == null || method == null) {
      request.response().setStatusCode(202).end();
      return;
    }
    switch (method) {
      case "ping" -> json(request, 200, response(id, JSON.createObjectNode()));
      case "tools/list" -> {
        ObjectNode result = JSON.createObjectNode();
        result.set("tools", tools.definitions().deepCopy());
        json(request, 200, response(id, result));
      }
      case "tools/call" -> {
        String tool = message.path("params").path("name").asText();
        JsonNode arguments = message.path("params").path("arguments");
        ObjectNode result =
            tools.call(tool, arguments.isObject() ? arguments : JSON.createObjectNode());
        json(
            request,
            200,
            result == null ? error(id, -32602, "Unknown tool: " + tool) : response(id, result));
      }
      default -> json(request, 200, error(id, -32601, "Method not found: " + method));
    }
  }

  private static ObjectNode response(JsonNode id, ObjectNode result) {
    ObjectNode root = JSON.createObjectNode();
    root.put("jsonrpc", "2.0");
    root.set("id", id);
    root.set("result", result);
    return root;
  }

  private static ObjectNode error(JsonNode id, int code, String message) {
    ObjectNode root = JSON.createObjectNode();
    root.put("jsonrpc", "2.0");
    root.set("id", id);
    root.putObject("error").put("code", code).put("message", message);
    return root;
  }

  private static void json(HttpServerRequest request, int status, ObjectNode body) {
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.toString());
  }
}
