package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.testing.McpTestClient;
import dev.airlock.testing.ReviewerDecisions;
import dev.airlock.testing.Rows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A 2025-11-25 client asks for a task: Airlock owns it until the approved call's result is in. */
@QuarkusTest
class TaskModeTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject Approvals approvals;

  @Inject ApprovalTasks tasks;

  @Inject AgroalDataSource dataSource;

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  @Test
  void aTaskAugmentedCallIsAnsweredAtOnceAndCompletesWithTheReleasedResult() throws Exception {
    // Given
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    JsonNode capabilities = client.request("ping", "{}");
    assertThat(capabilities.has("result")).isTrue();

    // When
    JsonNode created =
        client.request(
            "tools/call",
            "{\"name\":\"CancelAHORunBatch\",\"arguments\":{\"runIds\":[\"run-0006\"]},\"task\":{\"ttl\":600000}}");

    // Then: a task, working
    JsonNode task = created.path("result").path("task");
    String taskId = task.path("taskId").asText();
    assertThat(task.path("status").asText()).isEqualTo("working");
    assertThat(task.path("createdAt").asText()).isNotBlank();
    JsonNode got = client.request("tasks/get", "{\"taskId\":\"" + taskId + "\"}");
    assertThat(got.path("result").path("status").asText()).isEqualTo("working");
    JsonNode listed = client.request("tasks/list", "{}");
    assertThat(listed.path("result").path("tasks").toString()).contains(taskId);

    // And when a reviewer approves
    String id = pendingOf(client);
    ReviewerDecisions.post("reviewer", id, "{\"decision\":\"approve\"}").statusCode(200);

    // Then tasks/result gives the upstream's result, tagged with the task
    JsonNode result = client.request("tasks/result", "{\"taskId\":\"" + taskId + "\"}");
    assertThat(result.path("result").path("structuredContent").path("cancelled").toString())
        .contains("run-0006");
    assertThat(
            result
                .path("result")
                .path("_meta")
                .path("io.modelcontextprotocol/related-task")
                .path("taskId")
                .asText())
        .isEqualTo(taskId);
    assertThat(
            client
                .request("tasks/get", "{\"taskId\":\"" + taskId + "\"}")
                .path("result")
                .path("status")
                .asText())
        .isEqualTo("completed");

    // And the client was told, on its session's stream, without polling
    JsonNode announced = firstOnSessionStream(client, "notifications/tasks/status");
    assertThat(announced.path("params").path("taskId").asText()).isEqualTo(taskId);
    assertThat(announced.path("params").path("status").asText()).isEqualTo("completed");
    assertThat(announced.path("params").path("statusMessage").asText())
        .isEqualTo("Approved by reviewer; the call was released");

    // And the audit trail has the task's answer and the released call, joined by the approval
    // (the released call's event is committed just after its answer: its intent was durable first)
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(callEvents(id))
                    .as("decision id %s", id)
                    .containsExactlyInAnyOrder("answered_by_guard", "ok"));
  }

  @Test
  void theGrantedTtlCoversTheApprovalAndABadOneIsInvalidParams() throws Exception {
    // Given (the rule's approval times out after 15 minutes; tasks are kept 1 h past that)
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    long floorAtMost = Duration.ofMinutes(75).toMillis();
    long floorAtLeast = Duration.ofMinutes(74).toMillis();

    // When
    long shortAsked = grantedTtl(client, unique(), "60000");
    long nothingAsked = grantedTtl(client, unique(), "null");
    long longAsked = grantedTtl(client, unique(), Long.toString(Duration.ofHours(2).toMillis()));
    long foreverAsked = grantedTtl(client, unique(), Long.toString(Long.MAX_VALUE));

    // Then
    assertThat(shortAsked).isBetween(floorAtLeast, floorAtMost);
    assertThat(nothingAsked).isBetween(floorAtLeast, floorAtMost);
    assertThat(longAsked).isEqualTo(Duration.ofHours(2).toMillis());
    assertThat(foreverAsked)
        .isBetween(
            floorAtLeast + ApprovalTasks.MAX_EXTRA_RETENTION.toMillis(),
            floorAtMost + ApprovalTasks.MAX_EXTRA_RETENTION.toMillis());
    for (String task : List.of("{\"ttl\":-5}", "{\"ttl\":\"soon\"}", "{\"ttl\":1e30}", "5")) {
      JsonNode refused =
          client.request(
              "tools/call",
              "{\"name\":\"CancelAHORunBatch\",\"arguments\":{\"runIds\":[\""
                  + unique()
                  + "\"]},\"task\":"
                  + task
                  + "}");
      assertThat(refused.path("error").path("code").asInt()).as(task).isEqualTo(-32602);
      assertThat(refused.path("error").path("message").asText()).as(task).contains("params.task");
    }
  }

  @Test
  void aFinishedTaskIsForgottenOnceItsTtlHasPassed() throws Exception {
    // Given: a task whose approval is denied
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    JsonNode created =
        client.request(
            "tools/call",
            "{\"name\":\"CancelAHORunBatch\",\"arguments\":{\"runIds\":[\""
                + unique()
                + "\"]},\"task\":{}}");
    String taskId = created.path("result").path("task").path("taskId").asText();
    ReviewerDecisions.post(
            "reviewer", pendingOf(client), "{\"decision\":\"deny\",\"reason\":\"no\"}")
        .statusCode(200);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> status(client, taskId).equals("failed"));

    // When its ttl has not passed, it stays; when it has, it is forgotten
    tasks.forgetExpired(Instant.now());
    assertThat(status(client, taskId)).isEqualTo("failed");
    assertThat(tasks.forgetExpired(Instant.now().plus(Duration.ofDays(2)))).isPositive();

    // Then tasks/get no longer finds it at Airlock (it goes to the upstream, which has no tasks)
    JsonNode got = client.request("tasks/get", "{\"taskId\":\"" + taskId + "\"}");
    assertThat(got.has("error")).as(got.toString()).isTrue();
  }

  private long grantedTtl(McpTestClient client, String runId, String ttl) throws Exception {
    JsonNode created =
        client.request(
            "tools/call",
            "{\"name\":\"CancelAHORunBatch\",\"arguments\":{\"runIds\":[\""
                + runId
                + "\"]},\"task\":{\"ttl\":"
                + ttl
                + "}}");
    JsonNode task = created.path("result").path("task");
    assertThat(task.path("ttl").isIntegralNumber()).as(created.toString()).isTrue();
    String taskId = task.path("taskId").asText();
    assertThat(status(client, taskId)).isEqualTo("working");
    // No pending request is left behind for other tests' reviewers to pick up
    client.request("tasks/cancel", "{\"taskId\":\"" + taskId + "\"}");
    assertThat(status(client, taskId)).isEqualTo("cancelled");
    return task.path("ttl").asLong();
  }

  /** The first message of that method on the session's own stream, within 10 s. */
  private static JsonNode firstOnSessionStream(McpTestClient client, String method)
      throws Exception {
    HttpResponse<Stream<String>> stream = client.listen();
    try {
      return CompletableFuture.supplyAsync(
              () ->
                  stream
                      .body()
                      .filter(line -> line.startsWith("data: "))
                      .map(TaskModeTest::parse)
                      .filter(message -> message.path("method").asText().equals(method))
                      .findFirst()
                      .orElseThrow())
          .get(10, TimeUnit.SECONDS);
    } finally {
      stream.body().close();
    }
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line.substring("data: ".length()));
    } catch (Exception e) {
      throw new IllegalStateException(line, e);
    }
  }

  /** A run id no earlier call used: an identical pending call (an earlier run) would be joined. */
  private static String unique() {
    return "run-" + UUID.randomUUID();
  }

  private static String status(McpTestClient client, String taskId) throws Exception {
    return client
        .request("tasks/get", "{\"taskId\":\"" + taskId + "\"}")
        .path("result")
        .path("status")
        .asText();
  }

  private String pendingOf(McpTestClient client) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                approvals
                    .list(
                        new ApprovalFilter(
                            ApprovalStatus.PENDING,
                            "healthomics",
                            "CancelAHORunBatch",
                            null,
                            null,
                            100))
                    .stream()
                    .filter(v -> v.sessionId().equals(client.session()))
                    .map(ApprovalView::id)
                    .findFirst()
                    .orElse(null),
            Objects::nonNull);
  }

  private List<String> callEvents(String decisionId) throws Exception {
    return Rows.strings(
        dataSource,
        "select outcome from audit_event where kind = 'call' and decision_id = ?",
        decisionId);
  }

  @Test
  void initializeAdvertisesTasksForToolCalls() throws Exception {
    McpTestClient client = new McpTestClient(gateway.toString(), null);
    var response =
        client.send(
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    JsonNode capabilities =
        McpTestClient.lastMessage(response.body()).path("result").path("capabilities");
    assertThat(capabilities.path("tasks").path("requests").path("tools").has("call")).isTrue();
    assertThat(capabilities.path("tools").isObject()).isTrue();
  }
}
