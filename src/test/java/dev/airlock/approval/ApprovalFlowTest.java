package dev.airlock.approval;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.testing.McpTestClient;
import dev.airlock.testing.ParkedCalls;
import dev.airlock.testing.ReviewerDecisions;
import dev.airlock.upstream.Upstreams;
import dev.airlock.upstream.http.HttpUpstream;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Parking, deciding and releasing, through the relay, with real Kafka and PostgreSQL. */
@QuarkusTest
class ApprovalFlowTest {

  @Inject Upstreams upstreams;
  @Inject Vertx vertx;
  @Inject Approvals approvals;

  @TestHTTPResource("/mcp/tools")
  URL endpoint;

  private static volatile int callsReceived;

  @BeforeEach
  void upstream() throws Exception {
    if (upstreams.find("tools").isPresent()) {
      return;
    }
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    request.body(
                        body -> {
                          JsonNode message;
                          try {
                            message = new ObjectMapper().readTree(body.result().getBytes());
                          } catch (Exception e) {
                            request.response().setStatusCode(400).end();
                            return;
                          }
                          if (!message.has("id")) {
                            request.response().setStatusCode(202).end();
                            return;
                          }
                          String result;
                          switch (message.path("method").asText()) {
                            case "initialize" ->
                                result =
                                    "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"t\",\"version\":\"1\"}}";
                            case "tools/list" -> result = "{\"tools\":[]}";
                            default -> {
                              callsReceived++;
                              result =
                                  "{\"content\":[{\"type\":\"text\",\"text\":\"upstream did "
                                      // as JSON escapes it: a name may hold U+0000
                                      + message
                                          .path("params")
                                          .path("name")
                                          .asText()
                                          .replace("\0", "\\u0000")
                                      + " with "
                                      + message
                                          .path("params")
                                          .path("arguments")
                                          .toString()
                                          .replace("\"", "'")
                                      + "\"}]}";
                            }
                          }
                          request
                              .response()
                              .putHeader("Content-Type", "application/json")
                              .end(
                                  "{\"jsonrpc\":\"2.0\",\"id\":"
                                      + message.get("id")
                                      + ",\"result\":"
                                      + result
                                      + "}");
                        }))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    upstreams.register(
        new HttpUpstream(
            "tools",
            "http://127.0.0.1:" + server.actualPort() + "/mcp",
            Map.of(),
            Duration.ofSeconds(30),
            Duration.ofSeconds(2),
            vertx));
  }

  @Test
  void aParkedCallIsReleasedWhenApprovedThroughTheApi() throws Exception {
    // Given
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    int before = callsReceived;
    // Unique arguments: an identical approved call (an earlier run, same database) would be reused.
    String runId = "run-" + UUID.randomUUID();
    CompletableFuture<JsonNode> answer =
        async(
            () ->
                client.callTool(
                    "CancelAHORunBatch", "{\"runIds\":[\"" + runId + "\"],\"token\":\"s3cret\"}"));
    String id = awaitPending("CancelAHORunBatch", client.session());
    assertThat(callsReceived).isEqualTo(before);

    // When
    ReviewerDecisions.post("reviewer", id, "{\"decision\":\"approve\",\"reason\":\"ok\"}")
        .statusCode(200);

    // Then
    JsonNode response = answer.get(20, TimeUnit.SECONDS);
    assertThat(McpTestClient.text(response))
        .startsWith("upstream did CancelAHORunBatch")
        .contains(runId)
        .contains("s3cret");
    ApprovalView view = approvals.find(id).orElseThrow();
    assertThat(view.status()).isEqualTo(ApprovalStatus.APPROVED);
    assertThat(view.arguments().path("token").asText()).isEqualTo("[redacted]");
  }

  @Test
  void argumentsHoldingU0000AreParkedAndReleasedExactlyAsSent() throws Exception {
    // Given: U+0000 in an argument, which jsonb refused (the call then failed without parking)
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    String runId = "run-" + UUID.randomUUID();
    CompletableFuture<JsonNode> answer =
        async(
            () -> client.callTool("CancelAHORunBatch", "{\"runIds\":[\"" + runId + "\\u0000b\"]}"));
    String id = awaitPending("CancelAHORunBatch", client.session());
    assertThat(approvals.find(id).orElseThrow().arguments().path("runIds").path(0).asText())
        .isEqualTo(runId + "\0b");

    // When: a reason PostgreSQL cannot keep is refused, then the request is approved
    String refusal =
        ReviewerDecisions.post("reviewer", id, "{\"decision\":\"deny\",\"reason\":\"no\\u0000\"}")
            .statusCode(422)
            .extract()
            .asString();
    ReviewerDecisions.post("reviewer", id, "{\"decision\":\"approve\"}").statusCode(200);

    // Then
    assertThat(refusal).contains("U+0000");
    assertThat(McpTestClient.text(answer.get(20, TimeUnit.SECONDS)))
        .startsWith("upstream did CancelAHORunBatch")
        .contains(runId + "\0b");
  }

  @Test
  void aToolNameHoldingU0000IsShownToReviewersEscapedAndReleasedAsSent() throws Exception {
    // Given: a name only a pattern rule (Park*) can match; PostgreSQL's text refused it as it came
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    String suffix = UUID.randomUUID().toString();
    JsonNode first = client.callTool("Park\\u0000" + suffix, "{}");
    assertThat(McpTestClient.text(first)).contains("is pending");
    String id = first.path("result").path("_meta").path("airlock/approval").path("id").asText();
    assertThat(approvals.find(id).orElseThrow().tool()).isEqualTo("Park\\u0000" + suffix);

    // When
    ReviewerDecisions.post("reviewer", id, "{\"decision\":\"approve\"}").statusCode(200);

    // Then: a name that spells the escape out is another tool, not released by this approval
    assertThat(McpTestClient.text(client.callTool("Park\\\\u0000" + suffix, "{}")))
        .contains("is pending");
    // and the agent's retry is the approved call, and the upstream gets the name as sent
    assertThat(McpTestClient.text(client.callTool("Park\\u0000" + suffix, "{}")))
        .startsWith("upstream did Park\0" + suffix);
  }

  @Test
  void taskModeWaitsForACallThatDidNotAskForATaskAsAutoModeDoes() throws Exception {
    // Given: a rule that waits in tasks, and a client that sends no task (a task is no answer to
    // it)
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    String n = UUID.randomUUID().toString();
    CompletableFuture<JsonNode> answer =
        async(() -> client.callTool("TaskTool", "{\"n\":\"" + n + "\"}"));
    String id = awaitPending("TaskTool", client.session());

    // When
    ReviewerDecisions.post("reviewer", id, "{\"decision\":\"approve\"}").statusCode(200);

    // Then: the held call gets the upstream's result
    assertThat(McpTestClient.text(answer.get(20, TimeUnit.SECONDS)))
        .startsWith("upstream did TaskTool")
        .contains(n);
  }

  @Test
  void aDeniedCallNeverReachesTheUpstreamAndTheAgentGetsTheReason() throws Exception {
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    int before = callsReceived;
    CompletableFuture<JsonNode> answer =
        async(() -> client.callTool("CancelAHORunBatch", "{\"runIds\":[\"run-2\"]}"));
    String id = awaitPending("CancelAHORunBatch", client.session());

    ReviewerDecisions.post(
            "reviewer", id, "{\"decision\":\"deny\",\"reason\":\"run-2 is a clinical batch\"}")
        .statusCode(200);

    JsonNode response = answer.get(20, TimeUnit.SECONDS);
    assertThat(response.path("result").path("isError").asBoolean()).isTrue();
    assertThat(McpTestClient.text(response))
        .contains("Denied by reviewer reviewer")
        .contains("run-2 is a clinical batch");
    assertThat(callsReceived).isEqualTo(before);
  }

  @Test
  void aHeldCallIsKeptAliveAndGetsNoProgressItDidNotAskFor() throws Exception {
    // Given: a held call whose request carries no progress token
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    long start = System.nanoTime();
    HttpResponse<Stream<String>> held =
        client.sendStreaming(toolsCall("CancelAHORunBatch", "{\"runIds\":[\"run-quiet\"]}", ""));
    String id = awaitPending("CancelAHORunBatch", client.session());

    // When: it waits for more than three keep-alive intervals (1 s in the tests), then is denied
    Thread.sleep(3_500);
    ParkedCalls.decideThroughApi(id, "deny");

    // Then: its stream carried keep-alives (one when it was held, then one per silent interval,
    // not more often) and the denial, and no progress
    List<String> lines = held.body().toList();
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertThat(held.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    assertThat(lines.stream().filter(": keep-alive"::equals).count()).isBetween(3L, seconds + 2);
    assertThat(lines).noneMatch(line -> line.contains("notifications/progress"));
    assertThat(McpTestClient.text(McpTestClient.lastMessage(String.join("\n", lines))))
        .contains("Denied by reviewer reviewer");
  }

  @Test
  void aHeldCallThatAskedForProgressIsToldWhatItWaitsFor() throws Exception {
    // Given: a held call whose request carries a progress token
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    HttpResponse<Stream<String>> held =
        client.sendStreaming(
            toolsCall(
                "CancelAHORunBatch",
                "{\"runIds\":[\"run-watched\"]}",
                ",\"_meta\":{\"progressToken\":\"watch-1\"}"));
    String id = awaitPending("CancelAHORunBatch", client.session());

    // When
    ParkedCalls.decideThroughApi(id, "deny");

    // Then
    List<String> progress =
        held.body().filter(line -> line.contains("notifications/progress")).toList();
    assertThat(progress).isNotEmpty();
    JsonNode first = new ObjectMapper().readTree(progress.get(0).substring("data: ".length()));
    assertThat(first.path("params").path("progressToken").asText()).isEqualTo("watch-1");
    assertThat(first.path("params").path("message").asText())
        .startsWith("Waiting for approval " + id.substring(0, 8))
        .contains("1 of 1 reviewer needed");
  }

  /** A tools/call numbered 2, the first request after initialize. */
  private static String toolsCall(String tool, String argumentsJson, String moreParams) {
    return "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + argumentsJson
        + moreParams
        + "}}";
  }

  @Test
  void aSecondDecisionIsAnsweredWithWhoDecidedFirst() throws Exception {
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    JsonNode pending = client.callTool("RetryTool", "{\"n\":1}");
    String id = pending.path("result").path("_meta").path("airlock/approval").path("id").asText();
    ReviewerDecisions.post("ana", id, "{\"decision\":\"deny\"}").statusCode(200);

    String body =
        ReviewerDecisions.post("ben", id, "{\"decision\":\"approve\"}")
            .statusCode(409)
            .extract()
            .asString();
    assertThat(body).contains("already decided by ana");
  }

  @Test
  void retryModeReleasesExactlyOneIdenticalCallAfterApproval() throws Exception {
    // Given
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    JsonNode first = client.callTool("RetryTool", "{\"n\":42}");
    assertThat(McpTestClient.text(first)).contains("is pending");
    String id = first.path("result").path("_meta").path("airlock/approval").path("id").asText();
    JsonNode stillPending = client.callTool("RetryTool", "{\"n\":42}");
    assertThat(
            stillPending.path("result").path("_meta").path("airlock/approval").path("id").asText())
        .isEqualTo(id);

    // When
    ReviewerDecisions.post("reviewer", id, "{\"decision\":\"approve\"}").statusCode(200);

    // Then
    assertThat(McpTestClient.text(client.callTool("RetryTool", "{\"n\":41}")))
        .contains("is pending");
    assertThat(McpTestClient.text(client.callTool("RetryTool", "{\"n\":42}")))
        .startsWith("upstream did RetryTool");
    JsonNode again = client.callTool("RetryTool", "{\"n\":42}");
    assertThat(McpTestClient.text(again)).contains("is pending");
    assertThat(again.path("result").path("_meta").path("airlock/approval").path("id").asText())
        .isNotEqualTo(id);
  }

  @Test
  void aQuorumNeedsDistinctReviewers() throws Exception {
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    String id =
        client
            .callTool("QuorumTool", "{\"q\":1}")
            .path("result")
            .path("_meta")
            .path("airlock/approval")
            .path("id")
            .asText();

    ReviewerDecisions.post("ana", id, "{\"decision\":\"approve\"}").statusCode(200);
    assertThat(approvals.find(id).orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);
    assertThat(approvals.find(id).orElseThrow().approvalsNeeded()).isEqualTo(1);
    ReviewerDecisions.post("ana", id, "{\"decision\":\"approve\"}").statusCode(403);
    ReviewerDecisions.post("ben", id, "{\"decision\":\"approve\"}").statusCode(200);

    assertThat(approvals.find(id).orElseThrow().status()).isEqualTo(ApprovalStatus.APPROVED);
  }

  @Test
  void aRequestNobodyDecidesExpiresAndTheAgentIsTold() throws Exception {
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    JsonNode response = client.callTool("ShortTool", "{}");
    assertThat(McpTestClient.text(response)).contains("timed out");
    assertThat(response.path("result").path("isError").asBoolean()).isTrue();
  }

  @Test
  void oneHundredConcurrentDecisionsHaveExactlyOneOutcome() throws Exception {
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    String id =
        client
            .callTool("RetryTool", "{\"race\":true}")
            .path("result")
            .path("_meta")
            .path("airlock/approval")
            .path("id")
            .asText();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<DecisionResult>> results = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        int n = i;
        results.add(
            pool.submit(
                () ->
                    approvals.decide(
                        id,
                        new Reviewer("r" + n, "r" + n, Channel.API, Set.of("reviewer")),
                        new DecisionCommand(
                            n % 2 == 0 ? DecisionCommand.Verb.APPROVE : DecisionCommand.Verb.DENY,
                            null,
                            null))));
      }
      long recorded = 0;
      for (Future<DecisionResult> result : results) {
        DecisionResult outcome = result.get(60, TimeUnit.SECONDS);
        if (outcome instanceof DecisionResult.Recorded) {
          recorded++;
        } else {
          assertThat(outcome).isInstanceOf(DecisionResult.AlreadyDecided.class);
        }
      }
      assertThat(recorded).isEqualTo(1);
      assertThat(approvals.find(id).orElseThrow().reviews()).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aClientCancelWithdrawsTheHeldCallAndReviewersSeeItCancelled() throws Exception {
    // Given: a held call (auto mode, within the hold budget)
    McpTestClient client = new McpTestClient(endpoint.toString(), null).initialize();
    int before = callsReceived;
    CompletableFuture<JsonNode> held =
        async(() -> client.callTool("CancelAHORunBatch", "{\"runIds\":[\"run-cancel\"]}"));
    String id = awaitPending("CancelAHORunBatch", client.session());

    // When: the client cancels its request (McpTestClient numbers requests after initialize from 2:
    // this is the first call)
    client.send(
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":2,\"reason\":\"user aborted\"}}");

    // Then
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> approvals.find(id).orElseThrow().status() == ApprovalStatus.CANCELLED);
    ReviewerDecisions.post("reviewer", id, "{\"decision\":\"approve\"}").statusCode(409);
    assertThat(callsReceived).isEqualTo(before);
    held.cancel(true);
  }

  @Test
  void reviewerRoleIsRequired() {
    given()
        .auth()
        .preemptive()
        .basic("viewer", "viewer")
        .get("/api/approvals")
        .then()
        .statusCode(403);
    given().get("/api/approvals").then().statusCode(401);
  }

  private String awaitPending(String tool, String session) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                approvals
                    .list(
                        new ApprovalFilter(ApprovalStatus.PENDING, "tools", tool, null, null, 100))
                    .stream()
                    .filter(v -> v.sessionId().equals(session))
                    .map(ApprovalView::id)
                    .findFirst()
                    .orElse(null),
            Objects::nonNull);
  }

  private static CompletableFuture<JsonNode> async(Callable<JsonNode> call) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return call.call();
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        });
  }
}
