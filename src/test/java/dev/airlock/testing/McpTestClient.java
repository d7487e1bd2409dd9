package dev.airlock.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A minimal Streamable HTTP client for Java tests of Airlock's own behaviour (the official SDK
 * client is exercised by the Node tests). Reads JSON and SSE answers alike.
 */
public final class McpTestClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI endpoint;
  private final String token;
  private final AtomicInteger ids = new AtomicInteger(1);
  private String session;

  public McpTestClient(String endpoint, String token) {
    this.endpoint = URI.create(endpoint);
    this.token = token;
  }

  public McpTestClient initialize() throws Exception {
    HttpResponse<String> response =
        send(
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"java-test\",\"version\":\"1\"}}}");
    session =
        response
            .headers()
            .firstValue("Mcp-Session-Id")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no session: " + response.statusCode() + " " + response.body()));
    send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return this;
  }

  public String session() {
    return session;
  }

  /** Calls a tool and returns the JSON-RPC response (the last message of an SSE answer). */
  public JsonNode callTool(String tool, String argumentsJson) throws Exception {
    return request("tools/call", "{\"name\":\"" + tool + "\",\"arguments\":" + argumentsJson + "}");
  }

  public JsonNode request(String method, String paramsJson) throws Exception {
    int id = ids.incrementAndGet();
    HttpResponse<String> response =
        send(
            "{\"jsonrpc\":\"2.0\",\"id\":"
                + id
                + ",\"method\":\""
                + method
                + "\",\"params\":"
                + paramsJson
                + "}");
    return lastMessage(response.body());
  }

  public HttpResponse<String> send(String body) throws Exception {
    return http.send(post(body), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a message and reads the answer's lines as they arrive (an SSE stream, live). */
  public HttpResponse<Stream<String>> sendStreaming(String body) throws Exception {
    return http.send(post(body), HttpResponse.BodyHandlers.ofLines());
  }

  /**
   * Opens the session's own stream (GET): what Airlock or the upstream sends outside any request,
   * including what was kept for the client before it listened. Close the body when done.
   */
  public HttpResponse<Stream<String>> listen() throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(120))
            .header("Accept", "text/event-stream")
            .header("Mcp-Session-Id", session)
            .header("MCP-Protocol-Version", "2025-11-25")
            .GET();
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return http.send(builder.build(), HttpResponse.BodyHandlers.ofLines());
  }

  private HttpRequest post(String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    if (session != null) {
      builder.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
    }
    return builder.build();
  }

  public static JsonNode lastMessage(String body) throws Exception {
    String last = null;
    for (String line : body.split("\n")) {
      if (line.startsWith("data: {")) {
        last = line.substring(6);
      } else if (line.startsWith("{")) {
        last = line;
      }
    }
    return last == null ? JSON.createObjectNode() : JSON.readTree(last);
  }

  /** The text of the first content item of a tools/call result. */
  public static String text(JsonNode response) {
    return response.path("result").path("content").path(0).path("text").asText();
  }
}
