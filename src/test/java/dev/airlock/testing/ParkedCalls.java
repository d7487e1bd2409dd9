package dev.airlock.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.approval.ApprovalFilter;
import dev.airlock.approval.ApprovalStatus;
import dev.airlock.approval.ApprovalView;
import dev.airlock.approval.Approvals;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.awaitility.Awaitility;

/** What tests do with a call that gets parked: send it, find its approval, decide it. */
public final class ParkedCalls {

  private ParkedCalls() {}

  /** Sends the call without waiting for its answer (it is held until a decision). */
  public static CompletableFuture<JsonNode> callInBackground(
      McpTestClient client, String tool, String arguments) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return client.callTool(tool, arguments);
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        });
  }

  /** The id of the session's pending approval, once it is parked (at most 15 s). */
  public static String awaitPending(Approvals approvals, String session) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                approvals
                    .list(new ApprovalFilter(ApprovalStatus.PENDING, null, null, null, null, 100))
                    .stream()
                    .filter(v -> v.sessionId().equals(session))
                    .map(ApprovalView::id)
                    .findFirst()
                    .orElse(null),
            Objects::nonNull);
  }

  /** The approval id an answer carries (retry mode, or auto mode past its budget). */
  public static String approvalId(JsonNode answer) {
    return answer.path("result").path("_meta").path("airlock/approval").path("id").asText();
  }

  /** Decides through the REST API as the local run's {@code reviewer}. */
  public static void decideThroughApi(String id, String decision) {
    postDecision(id, "{\"decision\":\"" + decision + "\"}").then().statusCode(200);
  }

  /** Posts a decision body through the REST API as {@code reviewer}; the answer, whatever it is. */
  public static Response postDecision(String id, String body) {
    return given()
        .auth()
        .preemptive()
        .basic("reviewer", "reviewer")
        .contentType("application/json")
        .body(body)
        .post("/api/approvals/" + id + "/decision");
  }
}
