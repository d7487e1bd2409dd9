package dev.airlock.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.testing.ScriptedUpstream;
import dev.airlock.upstream.Upstreams;
import dev.airlock.upstream.http.HttpUpstream;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The relay's own logic against a scripted upstream that records what it receives. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayProtocolTest {

  private static final String BOTH = "application/json, text/event-stream";

  @Inject Upstreams upstreams;
  @Inject Vertx vertx;

  @TestHTTPResource("/mcp/scripted")
  URL endpoint;

  private ScriptedUpstream upstream;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void startUpstream() throws Exception {
    upstream = new ScriptedUpstream(vertx);
    upstreams.register(
        new HttpUpstream(
            "scripted",
            upstream.url(),
            Map.of(),
            Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            vertx));
    upstreams.register(
        new HttpUpstream(
            "unreachable",
            "http://127.0.0.1:9/mcp",
            Map.of(),
            Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            vertx));
  }

  @AfterAll
  void stopUpstream() {
    upstream.close();
  }

  @BeforeEach
  void clear() {
    upstream.received.clear();
  }

  @Test
  void initializeGivesAnAirlockSessionIdNotTheUpstreams() throws Exception {
    // When
    HttpResponse<String> response = post(null, initialize(1));

    // Then
    String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(session).isNotEqualTo(ScriptedUpstream.UPSTREAM_SESSION).hasSize(32);
    assertThat(json(response.body()).path("result").path("protocolVersion").asText())
        .isEqualTo("2025-11-25");
  }

  @Test
  void clientIdsAreRemappedUpstreamAndRestoredOnTheWayBack() throws Exception {
    // Given
    String session = open();

    // When
    HttpResponse<String> response = post(session, call("\"client-id-7\"", "echo", "{\"x\":1}"));

    // Then
    assertThat(json(response.body()).get("id").asText()).isEqualTo("client-id-7");
    ObjectNode seen = lastReceived("tools/call");
    assertThat(seen.get("id").isNumber()).isTrue();
    assertThat(seen.path("params").path("arguments").path("x").asInt()).isEqualTo(1);
  }

  @Test
  void serverToClientRequestsGetAirlockIdsAndTheAnswerReachesTheUpstreamWithTheOriginalId()
      throws Exception {
    // Given
    String session = open();
    HttpRequest ask =
        request(session).POST(HttpRequest.BodyPublishers.ofString(call("5", "ask", "{}"))).build();
    var pending = http.sendAsync(ask, HttpResponse.BodyHandlers.ofLines());
    var lines = pending.get(10, TimeUnit.SECONDS).body().iterator();
    JsonNode samplingRequest = null;
    for (int i = 0; i < 50 && lines.hasNext() && samplingRequest == null; i++) {
      String line = lines.next();
      if (line.startsWith("data: ") && line.contains("sampling/createMessage")) {
        samplingRequest = json(line.substring(6));
      }
    }
    assertThat(samplingRequest).isNotNull();
    assertThat(samplingRequest.get("id").asText()).startsWith("airlock-");

    // When
    HttpResponse<String> answer =
        post(
            session,
            "{\"jsonrpc\":\"2.0\",\"id\":\""
                + samplingRequest.get("id").asText()
                + "\",\"result\":{\"role\":\"assistant\"}}");

    // Then
    assertThat(answer.statusCode()).isEqualTo(202);
    ObjectNode forwarded =
        upstream.received.stream().filter(m -> !m.has("method")).reduce((a, b) -> b).orElseThrow();
    assertThat(forwarded.get("id").asInt()).isEqualTo(1);
    String rest = "";
    for (int i = 0; i < 50 && lines.hasNext(); i++) {
      rest += lines.next();
    }
    assertThat(rest).contains("\"id\":5").contains("sampled");
  }

  @Test
  void notificationsAreAcceptedWith202() throws Exception {
    String session = open();
    HttpResponse<String> response =
        post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}");
    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(lastReceived("notifications/roots/list_changed")).isNotNull();
  }

  @Test
  void deleteEndsBothSidesAndTheSessionIsThenUnknown() throws Exception {
    // Given
    String session = open();

    // When
    HttpResponse<String> deleted =
        http.send(request(session).DELETE().build(), HttpResponse.BodyHandlers.ofString());

    // Then
    assertThat(deleted.statusCode()).isEqualTo(200);
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(upstream.deletes).contains(ScriptedUpstream.UPSTREAM_SESSION));
    assertThat(post(session, call("2", "echo", "{}")).statusCode()).isEqualTo(404);
  }

  @Test
  void unknownSessionIs404AndMissingSessionIs400() throws Exception {
    assertThat(post("0123456789abcdef0123456789abcdef", call("1", "echo", "{}")).statusCode())
        .isEqualTo(404);
    assertThat(post(null, call("1", "echo", "{}")).statusCode()).isEqualTo(400);
  }

  @Test
  void acceptMustListJsonAndEventStream() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.toURI())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(initialize(1)))
            .build();
    assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(406);
  }

  @Test
  void malformedJsonIsAParseError() throws Exception {
    HttpResponse<String> response = post(null, "{not json");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response.body()).path("error").path("code").asInt()).isEqualTo(-32700);
  }

  @Test
  void aToolNameLongerThanAnyToolsIsInvalidParamsAndNotForwarded() throws Exception {
    // Given
    String session = open();

    // When
    HttpResponse<String> atLimit = post(session, call("1", "e".repeat(256), "{}"));
    HttpResponse<String> over = post(session, call("2", "e".repeat(257), "{}"));

    // Then
    assertThat(json(atLimit.body()).has("error")).as(atLimit.body()).isFalse();
    JsonNode refused = json(over.body()).path("error");
    assertThat(refused.path("code").asInt()).isEqualTo(-32602);
    assertThat(refused.path("message").asText()).contains("257").contains("at most 256");
    assertThat(upstream.received)
        .filteredOn(m -> m.path("method").asText().equals("tools/call"))
        .hasSize(1);
  }

  @Test
  void jsonThatIsNotJsonRpcIsAnInvalidRequest() throws Exception {
    HttpResponse<String> response = post(null, "{\"hello\":\"world\"}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response.body()).path("error").path("code").asInt()).isEqualTo(-32600);
  }

  @Test
  void unknownUpstreamIs404NamingTheConfiguredOnes() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(endpoint.toString().replace("/scripted", "/nope")))
            .header("Content-Type", "application/json")
            .header("Accept", BOTH)
            .POST(HttpRequest.BodyPublishers.ofString(initialize(1)))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response.body()).path("error").path("message").asText())
        .contains("'nope'")
        .contains("scripted");
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    String big =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
            + "x".repeat(5 * 1024 * 1024)
            + "\"}}";
    HttpResponse<String> response = post(null, big);
    assertThat(response.statusCode()).isEqualTo(413);
    JsonNode error = json(response.body()).path("error");
    assertThat(error.path("code").asInt()).isEqualTo(-32600);
    assertThat(error.path("message").asText()).contains("airlock.relay.max-body-bytes");
  }

  @Test
  void unsupportedProtocolVersionHeaderIs400() throws Exception {
    String session = open();
    HttpRequest request =
        request(session)
            .setHeader("MCP-Protocol-Version", "1999-01-01")
            .POST(HttpRequest.BodyPublishers.ofString(call("1", "echo", "{}")))
            .build();
    assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(400);
  }

  @Test
  void foreignOriginIs403() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.toURI())
            .header("Content-Type", "application/json")
            .header("Accept", BOTH)
            .header("Origin", "http://evil.example")
            .POST(HttpRequest.BodyPublishers.ofString(initialize(1)))
            .build();
    assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(403);
  }

  @Test
  void hungUpstreamGivesAClearErrorWithinItsTimeout() throws Exception {
    String session = open();
    JsonNode error = lastMessage(post(session, call("9", "hang", "{}"))).path("error");
    assertThat(error.path("message").asText()).contains("scripted").contains("no response within");
  }

  @Test
  void aStreamTheUpstreamClosesBeforeTheResponseIsResumedWithLastEventId() throws Exception {
    // Given: a tool whose upstream sends an event id and a retry delay, then closes the stream
    String session = open();
    upstream.resumptions.clear();

    // When: the client calls it
    HttpResponse<String> response = post(session, call("10", "polled", "{}"));

    // Then: Airlock resumed the stream upstream and the client got the result on its one stream
    JsonNode answer = lastMessage(response);
    assertThat(answer.path("id").asInt()).isEqualTo(10);
    assertThat(answer.path("result").path("content").path(0).path("text").asText())
        .isEqualTo("resumed");
    assertThat(upstream.resumptions)
        .containsExactly("call-polled-1 " + ScriptedUpstream.UPSTREAM_SESSION);
  }

  @Test
  void aStreamClosedBeforeTheResponseWithNothingToResumeFromIsAClearError() throws Exception {
    String session = open();
    JsonNode error = lastMessage(post(session, call("11", "dropped", "{}"))).path("error");
    assertThat(error.path("message").asText())
        .contains("scripted")
        .contains("closed the stream without a response");
  }

  @Test
  void aRefusedResumptionIsAClearErrorNamingTheStatus() throws Exception {
    String session = open();
    JsonNode error = lastMessage(post(session, call("12", "polled-refused", "{}"))).path("error");
    assertThat(error.path("message").asText())
        .contains("closed the stream without a response")
        .contains("Last-Event-ID")
        .contains("HTTP 409");
  }

  @Test
  void unreachableUpstreamNamesItselfAndWhy() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(endpoint.toString().replace("/scripted", "/unreachable")))
            .header("Content-Type", "application/json")
            .header("Accept", BOTH)
            .POST(HttpRequest.BodyPublishers.ofString(initialize(1)))
            .build();
    JsonNode body = json(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    assertThat(body.path("error").path("message").asText())
        .contains("unreachable")
        .contains("127.0.0.1:9");
  }

  @Test
  void unsolicitedMessagesWaitForTheClientsStreamAndResumeAfterLastEventId() throws Exception {
    // Given: a session, and the upstream's standalone stream open at Airlock
    String session = open();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !upstream.serverStreams.isEmpty());
    int streams = upstream.serverStreams.size();

    // When: the upstream speaks before the client listens
    vertx.runOnContext(
        v -> {
          upstream.push("notifications/message", 1);
          upstream.push("notifications/message", 2);
        });

    // Then: the client's GET stream gets both, with event ids
    List<String[]> first = readEvents(session, null, 2);
    assertThat(first)
        .extracting(e -> e[1])
        .allSatisfy(data -> assertThat(data).contains("notifications/message"));
    assertThat(first.get(1)[1]).contains("\"n\":2");

    // When: more arrive while the client is away, and it resumes from the last id it saw
    vertx.runOnContext(v -> upstream.push("notifications/message", 3));
    Thread.sleep(300);
    List<String[]> resumed = readEvents(session, first.get(1)[0], 1);

    // Then: only what it missed
    assertThat(resumed.get(0)[1]).contains("\"n\":3");
    assertThat(streams).isPositive();
  }

  @Test
  void aRequestStreamsEventIdIsNotResumedOnTheServerStream() throws Exception {
    // Given: the id of an event of a request's stream (the priming event of a streamed answer)
    String session = open();
    HttpResponse<String> streamed = post(session, call("13", "polled", "{}"));
    String requestEventId =
        streamed.body().lines().filter(l -> l.startsWith("id: ")).findFirst().orElseThrow();

    // When: the client asks the session's GET stream to resume from it
    // (bounded as a whole: a stream attached by mistake would never end)
    HttpResponse<String> resumed =
        http.sendAsync(
                HttpRequest.newBuilder(endpoint.toURI())
                    .header("Accept", "text/event-stream")
                    .header("Mcp-Session-Id", session)
                    .header("MCP-Protocol-Version", "2025-11-25")
                    .header("Last-Event-ID", requestEventId.substring(4))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .get(10, TimeUnit.SECONDS);

    // Then: a clear refusal, not another stream's events
    assertThat(resumed.statusCode()).isEqualTo(400);
    assertThat(json(resumed.body()).path("error").path("message").asText())
        .contains("stream of a request")
        .contains("does not resume");
  }

  /** Opens the GET stream, reads {@code count} events as [id, data], and closes it. */
  private List<String[]> readEvents(String session, String lastEventId, int count)
      throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(endpoint.toURI())
            .header("Accept", "text/event-stream")
            .header("Mcp-Session-Id", session)
            .header("MCP-Protocol-Version", "2025-11-25")
            .GET();
    if (lastEventId != null) {
      builder.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> response =
        http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    List<String[]> events = new ArrayList<>();
    try (var reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      String line;
      while (events.size() < count
          && System.nanoTime() < deadline
          && (line = reader.readLine()) != null) {
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("data: {")) {
          events.add(new String[] {id, line.substring(6)});
        }
      }
    }
    return events;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private String open() throws Exception {
    HttpResponse<String> response = post(null, initialize(1));
    String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
    post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return session;
  }

  private HttpRequest.Builder request(String session) throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(endpoint.toURI())
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .header("Accept", BOTH);
    if (session != null) {
      builder.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
    }
    return builder;
  }

  private HttpResponse<String> post(String session, String body) throws Exception {
    return http.send(
        request(session).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private ObjectNode lastReceived(String method) {
    return upstream.received.stream()
        .filter(m -> method.equals(m.path("method").asText()))
        .reduce((a, b) -> b)
        .orElse(null);
  }

  private static String initialize(int id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"sampling\":{}},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";
  }

  private static String call(String id, String tool, String arguments) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + arguments
        + "}}";
  }

  /** The last JSON-RPC message of an answer, whether it came as JSON or as an SSE stream. */
  private static JsonNode lastMessage(HttpResponse<String> response) throws Exception {
    return json(
        response
            .body()
            .lines()
            .filter(l -> l.startsWith("{") || l.startsWith("data: {"))
            .reduce((a, b) -> b)
            .orElseThrow()
            .replaceFirst("^data: ", ""));
  }

  private static JsonNode json(String text) throws Exception {
    return ScriptedUpstream.JSON.readTree(text);
  }
}
