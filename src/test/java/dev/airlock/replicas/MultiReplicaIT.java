package dev.airlock.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.embedded.EmbeddedInfrastructure;
import dev.airlock.testing.AirlockProcess;
import dev.airlock.testing.McpTestClient;
import dev.airlock.testing.Rows;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two Airlock processes (the packaged jar) share one real Kafka and one real PostgreSQL: a call
 * parked on one is approved through the other; a replica killed with -9 loses no request; the
 * broker stopped and restarted loses nothing; without the database, calls that need approval fail
 * closed while allowed ones keep flowing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiReplicaIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private EmbeddedInfrastructure infrastructure;
  private AirlockProcess a;
  private AirlockProcess b;

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "replicas-");
    infrastructure = new EmbeddedInfrastructure(dir, freePort(), freePort()).start();
    Files.createDirectories(Path.of("target"));
    Files.copy(Path.of("src/test/resources/policy/test-policy.json"), dir.resolve("policy.json"));
    Map<String, String> config = new HashMap<>(infrastructure.config());
    config.put("quarkus.profile", "local");
    config.put("airlock.auth.mode", "none");
    config.put("airlock.demo.port", "0");
    config.put("airlock.grants.demo-key.enabled", "false");
    config.put("airlock.local.banner", "false");
    config.put("airlock.policy.path", dir.resolve("policy.json").toString());
    config.put("airlock.approval.hold-budget", "30s");
    config.put("airlock.audit.spool-dir", dir.resolve("audit-spool").toString());
    a = AirlockProcess.start("a", config);
    b = AirlockProcess.start("b", config);
  }

  @AfterAll
  void stop() throws Exception {
    for (AirlockProcess replica : new AirlockProcess[] {a, b}) {
      if (replica != null) {
        replica.close();
      }
    }
    if (infrastructure != null) {
      infrastructure.close();
    }
  }

  @Test
  void aCallParkedOnOneReplicaIsApprovedThroughTheOtherAndReleasedByTheFirst() throws Exception {
    // Given
    McpTestClient client = new McpTestClient(a.baseUrl() + "/mcp/healthomics", null).initialize();
    CompletableFuture<JsonNode> answer =
        CompletableFuture.supplyAsync(
            () -> call(client, "CancelAHORunBatch", "{\"runIds\":[\"run-0001\"]}"));
    String id = awaitPendingOn(b, client.session());

    // When
    long decidedAt = System.nanoTime();
    assertThat(decide(b, id, "approve").statusCode()).isEqualTo(200);
    JsonNode result = answer.get(20, TimeUnit.SECONDS);
    long releaseMillis = (System.nanoTime() - decidedAt) / 1_000_000;

    // Then
    assertThat(result.path("result").path("isError").asBoolean(false))
        .as(result.toString())
        .isFalse();
    assertThat(McpTestClient.text(result)).contains("run-0001");
    System.out.printf("cross-replica decision to result: %d ms%n", releaseMillis);
  }

  @Test
  void aReplicaKilledWithPendingRequestsLosesNone() throws Exception {
    // Given: parked on A in retry mode (answered at once)
    AirlockProcess victim = AirlockProcess.start("victim", victimConfig());
    McpTestClient client =
        new McpTestClient(victim.baseUrl() + "/mcp/healthomics", null).initialize();
    JsonNode pending = client.callTool("RetryTool", "{\"killed\":true}");
    String id = pending.path("result").path("_meta").path("airlock/approval").path("id").asText();

    // When
    victim.kill9();

    // Then: still pending, decidable on B, and the agent's retry through B gets its call released
    assertThat(approval(b, id).path("status").asText()).isEqualTo("PENDING");
    assertThat(decide(b, id, "approve").statusCode()).isEqualTo(200);
    McpTestClient retry = new McpTestClient(b.baseUrl() + "/mcp/healthomics", null).initialize();
    JsonNode released = retry.callTool("RetryTool", "{\"killed\":true}");
    assertThat(released.path("error").path("message").asText("") + McpTestClient.text(released))
        .doesNotContain("pending");
    assertThat(approval(b, id).path("status").asText()).isEqualTo("APPROVED");
  }

  @Test
  void stoppingKafkaWhileRequestsArePendingLosesNothing() throws Exception {
    // Given
    infrastructure.kafka().stop();
    try {
      McpTestClient client = new McpTestClient(a.baseUrl() + "/mcp/healthomics", null).initialize();
      JsonNode pending = client.callTool("RetryTool", "{\"kafka\":\"down\"}");
      JsonNode allowed = client.callTool("ListAHORuns", "{\"maxResults\":2}");
      assertThat(allowed.path("result").path("isError").asBoolean(false)).isFalse();
      String id = pending.path("result").path("_meta").path("airlock/approval").path("id").asText();
      assertThat(id).isNotBlank();

      // When: decided while the broker is away
      assertThat(decide(b, id, "approve").statusCode()).isEqualTo(200);
      infrastructure.kafka().start();

      // Then: the retry is released exactly once (the database holds the truth), and a second one
      // is not
      JsonNode first = client.callTool("RetryTool", "{\"kafka\":\"down\"}");
      assertThat(McpTestClient.text(first)).doesNotContain("pending");
      JsonNode second = client.callTool("RetryTool", "{\"kafka\":\"down\"}");
      assertThat(McpTestClient.text(second)).contains("pending");
      // and the audit events committed while the broker was away reach the airlock.audit topic
      assertThat(
              auditTopicDecisionsOfSession(client.session(), List.of("allow", "park", "approve")))
          .hasSizeGreaterThanOrEqualTo(4)
          .contains("allow", "park", "approve");
    } finally {
      infrastructure.kafka().start();
    }
  }

  @Test
  void withoutTheDatabaseApprovalsFailClosedAndAllowedCallsFlow() throws Exception {
    McpTestClient client = new McpTestClient(a.baseUrl() + "/mcp/healthomics", null).initialize();
    client.callTool("ListAHORuns", "{}");
    infrastructure.postgres().stop();
    try {
      JsonNode allowed = client.callTool("ListAHORuns", "{\"maxResults\":1}");
      assertThat(allowed.path("result").path("isError").asBoolean(false))
          .as(allowed.toString())
          .isFalse();
      JsonNode refused = client.callTool("CancelAHORunBatch", "{\"runIds\":[\"run-0002\"]}");
      assertThat(refused.path("error").path("message").asText()).contains("did not forward");
    } finally {
      infrastructure.postgres().start();
    }
    // The allowed call's audit event waited in the local spool and reaches the chain once the
    // database is back; the refused call is audited too.
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(callOutcomesOfSession(client.session()))
                    .containsExactlyInAnyOrder("ok", "ok", "gateway_error"));
  }

  /**
   * The decisions of a session's events on the airlock.audit topic, read until they include those
   * expected (at most 60 s). The topic has them in chain order, which is commit order: an allowed
   * call's event may come after events recorded later than the call.
   */
  private List<String> auditTopicDecisionsOfSession(String session, List<String> expected)
      throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", infrastructure.kafka().bootstrapServers());
    props.put("group.id", "audit-outage-" + UUID.randomUUID());
    props.put("auto.offset.reset", "earliest");
    List<String> decisions = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("airlock.audit"));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!decisions.containsAll(expected) && System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofMillis(500))) {
          JsonNode event = JSON.readTree(record.value());
          if (session.equals(event.path("session_id").asText())) {
            decisions.add(event.path("decision").asText());
          }
        }
      }
    }
    return decisions;
  }

  private List<String> callOutcomesOfSession(String session) throws Exception {
    Map<String, String> config = infrastructure.config();
    PGSimpleDataSource database = new PGSimpleDataSource();
    database.setUrl(config.get("quarkus.datasource.jdbc.url"));
    database.setUser(config.get("quarkus.datasource.username"));
    database.setPassword(config.get("quarkus.datasource.password"));
    return Rows.strings(
        database,
        "select outcome from audit_event where kind = 'call' and session_id = ?",
        session);
  }

  private Map<String, String> victimConfig() throws Exception {
    Map<String, String> config = new HashMap<>(infrastructure.config());
    config.put("quarkus.profile", "local");
    config.put("airlock.auth.mode", "none");
    config.put("airlock.demo.port", "0");
    config.put("airlock.grants.demo-key.enabled", "false");
    config.put(
        "airlock.policy.path",
        Path.of("src/test/resources/policy/test-policy.json").toAbsolutePath().toString());
    return config;
  }

  private static JsonNode call(McpTestClient client, String tool, String args) {
    try {
      return client.callTool(tool, args);
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  private String awaitPendingOn(AirlockProcess replica, String session) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              JsonNode list = JSON.readTree(get(replica, "/api/approvals?status=PENDING").body());
              for (JsonNode view : list) {
                if (view.path("sessionId").asText().equals(session)) {
                  return view.path("id").asText();
                }
              }
              return null;
            },
            Objects::nonNull);
  }

  private JsonNode approval(AirlockProcess replica, String id) throws Exception {
    return JSON.readTree(get(replica, "/api/approvals/" + id).body());
  }

  private HttpResponse<String> get(AirlockProcess replica, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(replica.baseUrl() + path))
            .header("Authorization", basic())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> decide(AirlockProcess replica, String id, String decision)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(replica.baseUrl() + "/api/approvals/" + id + "/decision"))
            .header("Authorization", basic())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"decision\":\"" + decision + "\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String basic() {
    return "Basic " + Base64.getEncoder().encodeToString("reviewer:reviewer".getBytes());
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
