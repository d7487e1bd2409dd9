package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.testing.McpTestClient;
import dev.airlock.testing.ReviewerDecisions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * Auto mode without a task: the call is held for the hold budget (2 s here, 50 s by default), then
 * answered as in retry mode with the approval's id; the agent's identical retry after approval is
 * released, and the approval survives the held request's end.
 */
@QuarkusTest
@TestProfile(ShortApprovalTimings.class)
class AutoModeBudgetTest {

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  @Test
  void afterTheBudgetTheAgentIsToldToRetryAndItsRetryIsReleasedOnceApproved() throws Exception {
    // Given
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();

    // When: nobody decides within the budget
    JsonNode first =
        client.callTool("CancelAHORunBatch", "{\"runIds\":[\"run-0005\"],\"budget\":true}");

    // Then: a pending answer naming the approval, which stays pending
    assertThat(McpTestClient.text(first)).contains("is pending");
    String id = first.path("result").path("_meta").path("airlock/approval").path("id").asText();
    assertThat(id).isNotBlank();

    // When the reviewer approves and the agent retries the identical call
    ReviewerDecisions.post("reviewer", id, "{\"decision\":\"approve\"}").statusCode(200);
    JsonNode retried =
        client.callTool("CancelAHORunBatch", "{\"runIds\":[\"run-0005\"],\"budget\":true}");

    // Then: released, with the upstream's result
    assertThat(retried.path("result").path("isError").asBoolean(false))
        .as(retried.toString())
        .isFalse();
    assertThat(retried.path("result").path("structuredContent").toString()).contains("run-0005");
  }
}
