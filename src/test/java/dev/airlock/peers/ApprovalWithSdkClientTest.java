package dev.airlock.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.approval.ApprovalFilter;
import dev.airlock.approval.ApprovalStatus;
import dev.airlock.approval.ApprovalView;
import dev.airlock.approval.Approvals;
import dev.airlock.testing.NodeHarness;
import dev.airlock.testing.ReviewerDecisions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The official TypeScript SDK client's call to the demo upstream's CancelAHORunBatch is parked,
 * appears in the API, is decided there, and the client receives the upstream's result or the
 * reviewer's reason, having seen "Waiting for approval" progress while it waited.
 */
@QuarkusTest
class ApprovalWithSdkClientTest {

  @Inject Approvals approvals;

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  @Test
  void approvedThroughTheApiTheSdkClientGetsTheUpstreamResult() throws Exception {
    String runId = "run-0002";
    CompletableFuture<NodeHarness.Run> client = run("{\"runIds\":[\"" + runId + "\"]}");
    String id = pendingFor(runId);

    ReviewerDecisions.post("reviewer", id, "{\"decision\":\"approve\"}").statusCode(200);

    String output = client.get(90, TimeUnit.SECONDS).output();
    assertThat(output)
        .contains("\"ok\":true")
        .contains("\"isError\":false")
        .contains("cancelled")
        .contains(runId);
    assertThat(output).contains("Waiting for approval " + id.substring(0, 8));
  }

  @Test
  void deniedThroughTheApiTheSdkClientGetsTheReason() throws Exception {
    String runId = "run-0004";
    CompletableFuture<NodeHarness.Run> client = run("{\"runIds\":[\"" + runId + "\"]}");
    String id = pendingFor(runId);

    ReviewerDecisions.post("reviewer", id, "{\"decision\":\"deny\",\"reason\":\"not this batch\"}")
        .statusCode(200);

    String output = client.get(90, TimeUnit.SECONDS).output();
    assertThat(output).contains("\"isError\":true").contains("not this batch");
  }

  private CompletableFuture<NodeHarness.Run> run(String args) throws Exception {
    NodeHarness.install();
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return NodeHarness.run(
                NodeHarness.DIR,
                Duration.ofMinutes(2),
                "node",
                "approval-scenario.mjs",
                gateway.toString(),
                "CancelAHORunBatch",
                args);
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        });
  }

  private String pendingFor(String runId) throws Exception {
    NodeHarness.install();
    return Awaitility.await()
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
                    .filter(v -> v.arguments().toString().contains(runId))
                    .map(ApprovalView::id)
                    .findFirst()
                    .orElse(null),
            Objects::nonNull);
  }
}
