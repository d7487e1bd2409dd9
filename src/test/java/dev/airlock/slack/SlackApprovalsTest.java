package dev.airlock.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.approval.ApprovalFilter;
import dev.airlock.approval.ApprovalStatus;
import dev.airlock.approval.ApprovalView;
import dev.airlock.approval.Approvals;
import dev.airlock.testing.EmbeddedServices;
import dev.airlock.testing.FakeSlack;
import dev.airlock.testing.McpTestClient;
import dev.airlock.testing.NodeHarness;
import dev.airlock.testing.ParkedCalls;
import dev.airlock.testing.ReviewerDecisions;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Slack approvals against a fake Slack Web API on loopback, with Slack-signed interactions. */
@QuarkusTest
class SlackApprovalsTest {

  @Inject Approvals approvals;
  @Inject AgroalDataSource dataSource;

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  private final FakeSlack slack = EmbeddedServices.slack();

  @Test
  void aParkedCallIsPostedAndASignedApproveClickReleasesIt() throws Exception {
    // Given: the official TypeScript SDK client calls the demo upstream through Airlock
    NodeHarness.install();
    CompletableFuture<NodeHarness.Run> sdkClient =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return NodeHarness.run(
                    NodeHarness.DIR,
                    Duration.ofMinutes(2),
                    "node",
                    "approval-scenario.mjs",
                    gateway.toString(),
                    "CancelAHORunBatch",
                    "{\"runIds\":[\"run-0001\"],\"via\":\"slack\"}");
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    String id =
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
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
                                200))
                        .stream()
                        .filter(v -> v.arguments().toString().contains("slack"))
                        .map(ApprovalView::id)
                        .findFirst()
                        .orElse(null),
                Objects::nonNull);
    FakeSlack.Call post = awaitPost(id);

    // Then the message tells the reviewer what they need
    assertThat(post.params().get("channel")).isEqualTo("C0APPROVALS");
    JsonNode blocks = post.json("blocks");
    assertThat(blocks.get(0).path("text").path("text").asText())
        .isEqualTo("CancelAHORunBatch on healthomics");
    assertThat(blocks.toString())
        .contains("run-0001")
        .contains("tools.CancelAHORunBatch")
        .contains("0 of 1 approvals")
        .contains("/queue/" + id);
    JsonNode buttons = blocks.get(blocks.size() - 1).path("elements");
    assertThat(buttons.get(0).path("style").asText()).isEqualTo("primary");
    assertThat(buttons.get(1).path("style").asText()).isEqualTo("danger");
    assertThat(buttons.get(1).has("confirm")).isTrue();

    // When
    SlackInteractionClient.send(SlackInteractionClient.buttonPayload("approve", id, "UANA", "ana"))
        .then()
        .statusCode(200);

    // Then
    String output = sdkClient.get(90, TimeUnit.SECONDS).output();
    assertThat(output).contains("\"ok\":true").contains("\"isError\":false").contains("run-0001");
    ApprovalView view = approvals.find(id).orElseThrow();
    assertThat(view.status()).isEqualTo(ApprovalStatus.APPROVED);
    assertThat(view.reviews().get(0).reviewerId()).isEqualTo("UANA");
    FakeSlack.Call update = awaitUpdate(id);
    assertThat(update.json("blocks").toString())
        .contains("approved")
        .contains("<@UANA>")
        .doesNotContain("\"action_id\":\"approve\"");
  }

  @Test
  void denyOpensAModalAndItsReasonReachesTheAgent() throws Exception {
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    CompletableFuture<JsonNode> answer = async(client, "{\"runIds\":[\"run-0002\"]}");
    String id = pending(client.session());
    awaitPost(id);

    SlackInteractionClient.send(SlackInteractionClient.buttonPayload("deny", id, "UBEN", "ben"))
        .then()
        .statusCode(200);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                slack.calls("views.open").stream()
                    .anyMatch(c -> c.params().get("view").contains(id)));
    SlackInteractionClient.send(
            SlackInteractionClient.denySubmission(id, "UBEN", "not during the study"))
        .then()
        .statusCode(200);

    JsonNode result = answer.get(30, TimeUnit.SECONDS);
    assertThat(McpTestClient.text(result)).contains("not during the study");
    assertThat(approvals.find(id).orElseThrow().status()).isEqualTo(ApprovalStatus.DENIED);
  }

  @Test
  void anUnauthorizedUserGetsAnEphemeralAndNothingIsRecorded() throws Exception {
    String id = parkRetry();
    awaitPost(id);

    SlackInteractionClient.send(SlackInteractionClient.buttonPayload("approve", id, "UEVE", "eve"))
        .then()
        .statusCode(200);

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                slack.calls("chat.postEphemeral").stream()
                    .anyMatch(c -> "UEVE".equals(c.params().get("user"))));
    assertThat(approvals.find(id).orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);
  }

  @Test
  void aDecisionMadeThroughTheApiUpdatesTheSlackMessage() throws Exception {
    String id = parkRetry();
    awaitPost(id);
    ReviewerDecisions.post("reviewer", id, "{\"decision\":\"deny\",\"reason\":\"api says no\"}")
        .statusCode(200);
    FakeSlack.Call update = awaitUpdate(id);
    assertThat(update.json("blocks").toString())
        .contains("denied")
        .contains("reviewer")
        .contains("api says no");
  }

  @Test
  void anExpiredRequestsMessageSaysSoAndLosesItsButtons() throws Exception {
    // ShortTool (test policy) holds the call for 2 s, then the request expires.
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    JsonNode expired = client.callTool("ShortTool", "{\"nonce\":" + System.nanoTime() + "}");
    assertThat(McpTestClient.text(expired)).contains("timed out");
    String id =
        approvals
            .list(new ApprovalFilter(ApprovalStatus.EXPIRED, null, "ShortTool", null, null, 100))
            .stream()
            .filter(v -> v.sessionId().equals(client.session()))
            .map(ApprovalView::id)
            .findFirst()
            .orElseThrow();

    FakeSlack.Call update = awaitUpdate(id);

    assertThat(update.json("blocks").toString()).contains("expired").doesNotContain("\"approve\"");
  }

  @Test
  void forgedStaleFutureAndReplayedRequestsGet401AndChangeNothing() throws Exception {
    String id = parkRetry();
    String payload = SlackInteractionClient.buttonPayload("approve", id, "UANA", "ana");
    long now = Instant.now().getEpochSecond();

    SlackInteractionClient.send(payload, now, "wrong-secret").then().statusCode(401);
    SlackInteractionClient.send(payload, now - 301, SlackInteractionClient.SECRET)
        .then()
        .statusCode(401);
    // A future stamp must exceed the window even after this test's own delay (seconds on a busy
    // machine), or the server's clock has caught up with it.
    SlackInteractionClient.send(payload, now + 330, SlackInteractionClient.SECRET)
        .then()
        .statusCode(401);
    String body = "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
    String signature = SlackSignature.sign(SlackInteractionClient.SECRET, Long.toString(now), body);
    SlackInteractionClient.sendRaw(body.replace("UANA", "UBEN"), Long.toString(now), signature)
        .then()
        .statusCode(401);
    assertThat(approvals.find(id).orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);

    SlackInteractionClient.sendRaw(body, Long.toString(now), signature).then().statusCode(200);
    SlackInteractionClient.sendRaw(body, Long.toString(now), signature).then().statusCode(401);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> approvals.find(id).orElseThrow().status() == ApprovalStatus.APPROVED);
  }

  @Test
  void aDoubleClickIsAnsweredWithTheCurrentState() throws Exception {
    String id = parkRetry();
    awaitPost(id);
    SlackInteractionClient.send(SlackInteractionClient.buttonPayload("approve", id, "UANA", "ana"))
        .then()
        .statusCode(200);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> approvals.find(id).orElseThrow().status() == ApprovalStatus.APPROVED);

    SlackInteractionClient.send(SlackInteractionClient.buttonPayload("approve", id, "UBEN", "ben"))
        .then()
        .statusCode(200);

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                slack.calls("chat.postEphemeral").stream()
                    .anyMatch(
                        c ->
                            "UBEN".equals(c.params().get("user"))
                                && c.params().get("text").contains("Already decided")));
    assertThat(approvals.find(id).orElseThrow().reviews()).hasSize(1);
  }

  @Test
  void slackRateLimitsAreWaitedOutAndServerErrorsRetriedThenGivenUp() throws Exception {
    // 429 with Retry-After: the post arrives after the wait.
    slack.failNext(429, 1, "1");
    String limited = parkRetry();
    FakeSlack.Call post = awaitPost(limited);
    assertThat(post).isNotNull();

    // 500 on every attempt: retried, then given up; the request stays decidable elsewhere.
    int before = slack.failuresServed.get();
    slack.failNext(500, 3, null);
    String failing = parkRetry();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> slack.failuresServed.get() - before >= 3);
    assertThat(approvals.find(failing).orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);
  }

  @Test
  void anOutcomeWithNoPostedMessageIsDroppedNotRetriedForever() throws Exception {
    // Given: a request whose post Slack refused until the outbox gave up (max-attempts=3)
    String marker = "never-posted-" + System.nanoTime();
    slack.refuseCallsContaining(marker);
    String id;
    try {
      id = parkRetry("\"" + marker + "\"");
      OutboxRow post =
          Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> outboxRow(id, "post").orElse(null), row -> row != null && row.done());
      assertThat(post.lastError()).contains("channel_not_found");
    } finally {
      slack.stopRefusing();
    }

    // When: it is decided, which queues an update of a message that does not exist
    ParkedCalls.postDecision(id, "{\"decision\":\"deny\",\"reason\":\"never posted\"}")
        .then()
        .statusCode(200);

    // Then: the update is finished as having nothing to update, and never reaches Slack
    OutboxRow update =
        Awaitility.await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> outboxRow(id, "update").orElse(null), row -> row != null && row.done());
    assertThat(update.lastError()).isEqualTo("no Slack message to update");
    assertThat(slack.calls("chat.update"))
        .noneMatch(c -> c.params().getOrDefault("blocks", "").contains(id));
  }

  private record OutboxRow(boolean done, String lastError) {}

  private Optional<OutboxRow> outboxRow(String id, String kind) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "select done_at is not null, last_error from slack_outbox"
                    + " where approval_id = ? and kind = ? order by id desc limit 1")) {
      s.setString(1, id);
      s.setString(2, kind);
      try (ResultSet r = s.executeQuery()) {
        return r.next()
            ? Optional.of(new OutboxRow(r.getBoolean(1), r.getString(2)))
            : Optional.empty();
      }
    }
  }

  private String parkRetry() throws Exception {
    return parkRetry(String.valueOf(System.nanoTime()));
  }

  private String parkRetry(String nonce) throws Exception {
    // RetryTool needs approval in retry mode (test policy): the call returns at once with its id.
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    return ParkedCalls.approvalId(client.callTool("RetryTool", "{\"nonce\":" + nonce + "}"));
  }

  private FakeSlack.Call awaitPost(String id) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                slack.calls("chat.postMessage").stream()
                    .filter(c -> c.params().get("blocks").contains(id))
                    .findFirst()
                    .orElse(null),
            Objects::nonNull);
  }

  private FakeSlack.Call awaitUpdate(String id) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              List<FakeSlack.Call> updates =
                  slack.calls("chat.update").stream()
                      .filter(c -> c.params().get("blocks").contains(id))
                      .toList();
              return updates.isEmpty() ? null : updates.get(updates.size() - 1);
            },
            c -> c != null && !c.params().get("blocks").contains("\"action_id\":\"approve\""));
  }

  private String pending(String session) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                approvals
                    .list(
                        new ApprovalFilter(
                            ApprovalStatus.PENDING, null, "CancelAHORunBatch", null, null, 200))
                    .stream()
                    .filter(v -> v.sessionId().equals(session))
                    .map(ApprovalView::id)
                    .findFirst()
                    .orElse(null),
            Objects::nonNull);
  }

  private static CompletableFuture<JsonNode> async(McpTestClient client, String args) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return client.callTool("CancelAHORunBatch", args);
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        });
  }
}
