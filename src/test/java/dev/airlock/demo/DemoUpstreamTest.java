package dev.airlock.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.testing.McpTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo HealthOmics server, directly and through the gateway under the test policy. */
@QuarkusTest
class DemoUpstreamTest {

  @Inject DemoUpstream demo;

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  @Test
  void offersFiveToolsWithSchemasAndAnnotations() throws Exception {
    JsonNode tools =
        new McpTestClient(demo.url(), null)
            .initialize()
            .request("tools/list", "{}")
            .path("result")
            .path("tools");
    List<String> names = new ArrayList<>();
    tools.forEach(t -> names.add(t.path("name").asText()));
    assertThat(names)
        .containsExactly(
            "ListAHORuns", "GetAHORun", "StartAHORun", "CancelAHORunBatch", "DeleteAHORunBatch");
    assertThat(tools.get(0).path("annotations").path("readOnlyHint").asBoolean()).isTrue();
    assertThat(tools.get(3).path("annotations").path("destructiveHint").asBoolean()).isTrue();
    assertThat(tools.get(3).path("inputSchema").path("required").get(0).asText())
        .isEqualTo("runIds");
  }

  @Test
  void cancellingChangesTheRunStatus() throws Exception {
    McpTestClient direct = new McpTestClient(demo.url(), null).initialize();
    JsonNode started =
        direct.callTool(
            "StartAHORun", "{\"workflowId\":\"wf-1\",\"roleArn\":\"arn:aws:iam::1:role/r\"}");
    String id = started.path("result").path("structuredContent").path("id").asText();
    direct.callTool("CancelAHORunBatch", "{\"runIds\":[\"" + id + "\"]}");
    JsonNode run = direct.callTool("GetAHORun", "{\"id\":\"" + id + "\"}");
    assertThat(run.path("result").path("structuredContent").path("status").asText())
        .isEqualTo("CANCELLED");
  }

  @Test
  void unknownToolIsAJsonRpcError() throws Exception {
    JsonNode response = new McpTestClient(demo.url(), null).initialize().callTool("Nope", "{}");
    assertThat(response.path("error").path("code").asInt()).isEqualTo(-32602);
  }

  @Test
  void throughTheGatewayTheTestPolicyHidesAndMarksTools() throws Exception {
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    JsonNode tools = client.request("tools/list", "{}").path("result").path("tools");
    List<String> names = new ArrayList<>();
    tools.forEach(t -> names.add(t.path("name").asText()));
    assertThat(names)
        .contains("ListAHORuns", "CancelAHORunBatch")
        .doesNotContain("DeleteAHORunBatch");
    JsonNode cancel = tools.get(names.indexOf("CancelAHORunBatch"));
    assertThat(cancel.path("_meta").path("airlock/requiresApproval").asBoolean()).isTrue();
    assertThat(cancel.path("execution").path("taskSupport").asText()).isEqualTo("optional");
  }

  @Test
  void throughTheGatewayADeniedCallIsAnsweredWithTheRule() throws Exception {
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    JsonNode denied = client.callTool("DeleteAHORunBatch", "{\"runIds\":[\"run-0001\"]}");
    assertThat(denied.path("result").path("isError").asBoolean()).isTrue();
    assertThat(McpTestClient.text(denied))
        .isEqualTo(
            "Denied by policy rule tools.DeleteAHORunBatch: Deleting runs is never allowed from agents");
    assertThat(denied.path("result").path("_meta").path("airlock/decision").path("rule").asText())
        .isEqualTo("tools.DeleteAHORunBatch");
    JsonNode listed = client.callTool("ListAHORuns", "{}");
    assertThat(listed.path("result").path("structuredContent").path("items").size()).isPositive();
  }
}
