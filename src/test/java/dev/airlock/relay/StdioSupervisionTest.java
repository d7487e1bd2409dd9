package dev.airlock.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.testing.ScriptedUpstream;
import dev.airlock.upstream.Upstreams;
import dev.airlock.upstream.stdio.StdioUpstream;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A stdio upstream that dies: in-flight calls fail cleanly, the process restarts, the session goes
 * on.
 */
@QuarkusTest
class StdioSupervisionTest {

  @Inject Upstreams upstreams;
  @Inject Vertx vertx;

  @TestHTTPResource("/mcp/crashy")
  URL endpoint;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void deathFailsTheInFlightCallThenTheProcessRestartsAndTheSessionContinues() throws Exception {
    // Given
    Path starts = Files.createTempFile(Path.of("target"), "crashy-starts", ".log");
    Path script = Path.of("src/test/resources/stdio/crashy-server.mjs").toAbsolutePath();
    upstreams.register(
        new StdioUpstream(
            "crashy",
            List.of("node", script.toString()),
            Map.of("START_LOG", starts.toString()),
            null,
            Duration.ofSeconds(10),
            3,
            Duration.ofMillis(100),
            vertx));
    HttpResponse<String> init =
        post(
            null,
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

    // When
    JsonNode died = json(post(session, call(2, "die")).body());

    // Then
    assertThat(died.path("error").path("message").asText())
        .contains("crashy")
        .contains("exited with code 3");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(Files.readAllLines(starts)).hasSize(2));
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        json(post(session, call(3, "live")).body())
                            .path("result")
                            .path("content")
                            .get(0)
                            .path("text")
                            .asText())
                    .isEqualTo("alive"));
  }

  private HttpResponse<String> post(String session, String body) throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(endpoint.toURI())
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream");
    if (session != null) {
      builder.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
    }
    return http.send(
        builder.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String call(int id, String tool) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":{}}}";
  }

  private static JsonNode json(String text) throws Exception {
    String body =
        text.lines()
            .filter(l -> l.startsWith("{") || l.startsWith("data: {"))
            .reduce((a, b) -> b)
            .orElse(text);
    return ScriptedUpstream.JSON.readTree(body.replaceFirst("^data: ", ""));
  }
}
