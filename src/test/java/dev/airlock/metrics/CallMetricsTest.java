package dev.airlock.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.testing.McpTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Call metrics keep a bounded set of series whatever tool names agents send. */
@QuarkusTest
class CallMetricsTest {

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  @Test
  void toolsTheUpstreamDoesNotListAreCountedUnderOneValue() throws Exception {
    // Given: an agent calling a listed tool and a made-up one
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    String madeUp = "NoSuchTool" + UUID.randomUUID().toString().replace("-", "");

    // When
    client.callTool("ListAHORuns", "{}");
    client.callTool(madeUp, "{}");

    // Then: the listed tool has its own series, the made-up name none
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics).contains("tool=\"ListAHORuns\"").contains("tool=\"_unlisted\"");
    assertThat(metrics).doesNotContain(madeUp);
  }
}
