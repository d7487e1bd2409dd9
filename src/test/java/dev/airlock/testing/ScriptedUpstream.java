package dev.airlock.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A scripted MCP upstream for the relay's own logic (id mapping, sessions, errors): it records
 * every message it receives and answers a few fixed tools. Protocol conformance is tested against
 * real servers elsewhere; this one exists to observe what the relay sends.
 */
public final class ScriptedUpstream implements AutoCloseable {

  public static final ObjectMapper JSON = new ObjectMapper();
  public static final String UPSTREAM_SESSION = "upstream-session-1";

  public final List<ObjectNode> received = new CopyOnWriteArrayList<>();
  public final List<String> deletes = new CopyOnWriteArrayList<>();
  public final List<HttpServerResponse> serverStreams = new CopyOnWriteArrayList<>();

  /** The Last-Event-ID of every GET that resumed a tool call's stream, with its session id. */
  public final List<String> resumptions = new CopyOnWriteArrayList<>();

  private volatile JsonNode polledId;

  /** Sends an unsolicited notification on every open standalone stream. */
  public void push(String method, int n) {
    ObjectNode message = JSON.createObjectNode();
    message.put("jsonrpc", "2.0").put("method", method).putObject("params").put("n", n);
    serverStreams.forEach(stream -> stream.write(sse(message)));
  }

  private final HttpServer server;
  private volatile HttpServerResponse waitingForSampling;
  private volatile JsonNode waitingId;

  public ScriptedUpstream(Vertx vertx) throws Exception {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  if (request.method().name().equals("DELETE")) {
                    deletes.add(request.getHeader("Mcp-Session-Id"));
                    request.response().setStatusCode(200).end();
                    return;
                  }
                  String lastEventId = request.getHeader("Last-Event-ID");
                  if (request.method().name().equals("GET")
                      && lastEventId != null
                      && lastEventId.startsWith("call-")) {
                    resumptions.add(lastEventId + " " + request.getHeader("Mcp-Session-Id"));
                    resume(lastEventId, request.response());
                    return;
                  }
                  if (request.method().name().equals("GET")) {
                    // The standalone stream: stays open; push() writes unsolicited messages to it.
                    request
                        .response()
                        .setChunked(true)
                        .putHeader("Content-Type", "text/event-stream")
                        .write(": open\n\n");
                    serverStreams.add(request.response());
                    return;
                  }
                  request.body(
                      body -> {
                        try {
                          handle(
                              (ObjectNode) JSON.readTree(body.result().getBytes()),
                              request.response());
                        } catch (Exception e) {
                          request.response().setStatusCode(500).end();
                        }
                      });
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/mcp";
  }

  private void handle(ObjectNode message, HttpServerResponse response) {
    received.add(message);
    String method = message.path("method").asText(null);
    if (method == null) {
      // The client's answer to our sampling request: finish the waiting tool call.
      HttpServerResponse waiting = waitingForSampling;
      response.setStatusCode(202).end();
      if (waiting != null) {
        ObjectNode result = JSON.createObjectNode();
        result.putArray("content").addObject().put("type", "text").put("text", "sampled");
        waiting.end(sse(rpcResult(waitingId, result)));
      }
      return;
    }
    if (!message.has("id")) {
      response.setStatusCode(202).end();
      return;
    }
    JsonNode id = message.get("id");
    ObjectNode result = JSON.createObjectNode();
    switch (method) {
      case "initialize" -> {
        result.put("protocolVersion", message.path("params").path("protocolVersion").asText());
        result.putObject("capabilities").putObject("tools");
        result.putObject("serverInfo").put("name", "scripted").put("version", "1");
        response.putHeader("Mcp-Session-Id", UPSTREAM_SESSION);
        json(response, rpcResult(id, result));
      }
      case "tools/list" -> {
        ObjectNode tool = result.putArray("tools").addObject();
        tool.put("name", "echo");
        tool.putObject("inputSchema").put("type", "object");
        tool.putObject("annotations").put("readOnlyHint", true);
        json(response, rpcResult(id, result));
      }
      case "tools/call" -> {
        String tool = message.path("params").path("name").asText();
        if (tool.equals("ask")) {
          waitingForSampling = response;
          waitingId = id;
          response.setChunked(true).putHeader("Content-Type", "text/event-stream");
          ObjectNode sampling = JSON.createObjectNode();
          sampling.put("jsonrpc", "2.0").put("id", 1).put("method", "sampling/createMessage");
          sampling.putObject("params").put("maxTokens", 5);
          response.write(sse(sampling));
        } else if (tool.equals("polled") || tool.equals("polled-refused")) {
          // SSE polling (2025-11-25): an event id and a retry delay, then the stream closes before
          // the response, which waits for a GET with that Last-Event-ID.
          polledId = id;
          response
              .setChunked(true)
              .putHeader("Content-Type", "text/event-stream")
              .end("id: call-" + tool + "-1\nretry: 50\ndata: \n\n");
        } else if (tool.equals("dropped")) {
          // closes the stream before the response, with no event id to resume from
          response
              .setChunked(true)
              .putHeader("Content-Type", "text/event-stream")
              .end(": nothing to resume from\n\n");
        } else if (tool.equals("hang")) {
          // never answers: the relay's timeout must
        } else {
          result
              .putArray("content")
              .addObject()
              .put("type", "text")
              .put("text", "echo " + message.path("params").path("arguments"));
          json(response, rpcResult(id, result));
        }
      }
      default -> json(response, rpcResult(id, result));
    }
  }

  private void resume(String lastEventId, HttpServerResponse response) {
    if (!lastEventId.equals("call-polled-1")) {
      response.setStatusCode(409).end();
      return;
    }
    ObjectNode result = JSON.createObjectNode();
    result.putArray("content").addObject().put("type", "text").put("text", "resumed");
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .end("id: call-polled-2\n" + sse(rpcResult(polledId, result)));
  }

  private static ObjectNode rpcResult(JsonNode id, ObjectNode result) {
    ObjectNode root = JSON.createObjectNode();
    root.put("jsonrpc", "2.0");
    root.set("id", id);
    root.set("result", result);
    return root;
  }

  private static void json(HttpServerResponse response, ObjectNode body) {
    response.putHeader("Content-Type", "application/json").end(body.toString());
  }

  private static String sse(ObjectNode message) {
    return "event: message\ndata: " + message + "\n\n";
  }

  @Override
  public void close() {
    server.close();
  }
}
