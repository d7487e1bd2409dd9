package dev.airlock.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.testing.McpTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RateLimitThroughGatewayTest {

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  @Test
  void theFourthStartInAMinuteIsRefusedWithWhenToRetry() throws Exception {
    // Given: the test policy allows StartAHORun 3 times per minute per session
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    String args = "{\"workflowId\":\"wf-1\",\"roleArn\":\"arn:aws:iam::1:role/r\"}";
    for (int i = 0; i < 3; i++) {
      assertThat(
              client.callTool("StartAHORun", args).path("result").path("isError").asBoolean(false))
          .isFalse();
    }

    // When
    JsonNode refused = client.callTool("StartAHORun", args);

    // Then
    assertThat(refused.path("result").path("isError").asBoolean()).isTrue();
    assertThat(McpTestClient.text(refused))
        .matches("Rate limit start_runs: 3 per minute per session; retry in \\d+ s");
    assertThat(
            refused.path("result").path("_meta").path("airlock/decision").path("counter").asText())
        .isEqualTo("start_runs");
    McpTestClient other = new McpTestClient(gateway.toString(), null).initialize();
    assertThat(other.callTool("StartAHORun", args).path("result").path("isError").asBoolean(false))
        .isFalse();
  }
}
