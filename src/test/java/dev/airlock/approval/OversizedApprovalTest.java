package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.testing.McpTestClient;
import dev.airlock.testing.ParkedCalls;
import dev.airlock.testing.Rows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A call that needs approval but whose arguments would not fit in one Kafka message (the producer's
 * default limit is 1 MiB) is refused before anything is stored: parked, its request could never be
 * published, and the outbox publishes in order, so every later request would wait behind it.
 */
@QuarkusTest
class OversizedApprovalTest {

  @Inject Approvals approvals;
  @Inject AgroalDataSource dataSource;

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  @Test
  void argumentsTooLargeForAnApprovalRequestAreRefusedAndNothingIsParked() throws Exception {
    // Given: 1.2 MB of arguments for a tool that needs approval (retry mode in the test policy)
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    String blob = "x".repeat(1_200_000);

    // When
    JsonNode refused = client.callTool("RetryTool", "{\"blob\":\"" + blob + "\"}");

    // Then: a clear error, and no request for this session
    assertThat(refused.path("result").path("isError").asBoolean()).isTrue();
    assertThat(McpTestClient.text(refused))
        .contains("too large for an approval request")
        .contains("262144");
    assertThat(
            approvals.list(new ApprovalFilter(null, null, "RetryTool", null, null, 1000)).stream()
                .filter(v -> client.session().equals(v.sessionId())))
        .isEmpty();

    // And the next request is parked and published as usual
    String id = ParkedCalls.approvalId(client.callTool("RetryTool", nonce()));
    assertThat(id).isNotBlank();
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> published(id));
  }

  @Test
  void editedArgumentsTooLargeAreRefusedAndTheRequestStaysPending() throws Exception {
    // Given: a pending request
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    String id = ParkedCalls.approvalId(client.callTool("RetryTool", nonce()));

    // When: a reviewer approves it with 300 KB of edited arguments
    String body =
        "{\"decision\":\"approve\",\"arguments\":{\"blob\":\"" + "x".repeat(300_000) + "\"}}";
    Response answer = ParkedCalls.postDecision(id, body);

    // Then
    assertThat(answer.statusCode()).isEqualTo(422);
    assertThat(answer.jsonPath().getString("error")).contains("edited arguments too large");
    assertThat(approvals.find(id).orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);
  }

  @Test
  void aReasonOverFourThousandCharactersIsRefusedAndTheRequestStaysPending() throws Exception {
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    String id = ParkedCalls.approvalId(client.callTool("RetryTool", nonce()));

    Response answer =
        ParkedCalls.postDecision(
            id, "{\"decision\":\"deny\",\"reason\":\"" + "y".repeat(4001) + "\"}");

    assertThat(answer.statusCode()).isEqualTo(422);
    assertThat(answer.jsonPath().getString("error")).contains("reason too long: 4001 characters");
    assertThat(approvals.find(id).orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);
  }

  private static String nonce() {
    return "{\"nonce\":" + System.nanoTime() + "}";
  }

  private boolean published(String approvalId) throws Exception {
    return Rows.number(
            dataSource,
            "select count(*) from approval_outbox where message_key = ? and sent_at is not null",
            approvalId)
        > 0;
  }
}
