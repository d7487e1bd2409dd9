package dev.airlock.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.testing.NodeHarness;
import dev.airlock.upstream.Upstreams;
import dev.airlock.upstream.http.HttpUpstream;
import dev.airlock.upstream.stdio.StdioUpstream;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The official MCP TypeScript SDK client talks through Airlock to server-everything, over HTTP and
 * over stdio, and the MCP conformance suite passes through Airlock every check it passes directly.
 * Nobody here wrote these peers.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealPeersTest {

  @Inject Upstreams upstreams;
  @Inject Vertx vertx;

  @TestHTTPResource("/mcp/everything")
  URL viaHttp;

  @TestHTTPResource("/mcp/everything-stdio")
  URL viaStdio;

  private NodeHarness.Everything everything;

  @BeforeAll
  void start() throws Exception {
    everything = NodeHarness.startEverything();
    upstreams.register(
        new HttpUpstream(
            "everything",
            everything.url(),
            Map.of(),
            Duration.ofSeconds(60),
            Duration.ofSeconds(5),
            vertx));
    upstreams.register(
        new StdioUpstream(
            "everything-stdio",
            NodeHarness.everythingStdioCommand(),
            Map.of(),
            NodeHarness.DIR,
            Duration.ofSeconds(60),
            3,
            Duration.ofMillis(500),
            vertx));
  }

  @AfterAll
  void stop() {
    everything.close();
  }

  @Test
  void sdkClientScenariosPassThroughAnHttpUpstream() throws Exception {
    NodeHarness.Run run = NodeHarness.scenarios(viaHttp.toString(), null);
    assertThat(run.output())
        .contains("\"scenario\":\"sampling\",\"ok\":true")
        .contains("\"scenario\":\"progress\",\"ok\":true");
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  @Test
  void sdkClientScenariosPassThroughAStdioUpstream() throws Exception {
    NodeHarness.Run run = NodeHarness.scenarios(viaStdio.toString(), null);
    assertThat(run.output())
        .contains("\"scenario\":\"cancel\",\"ok\":true")
        .contains("\"scenario\":\"roots\",\"ok\":true");
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  @Test
  void conformanceThroughAirlockPassesEverythingThatPassesDirectly() throws Exception {
    NodeHarness.Conformance direct = NodeHarness.conformance(everything.url());
    NodeHarness.Conformance gateway = NodeHarness.conformance(viaHttp.toString());

    assertThat(gateway.passed()).isGreaterThanOrEqualTo(direct.passed());
    direct
        .passedByScenario()
        .forEach(
            (scenario, passed) ->
                assertThat(gateway.passedByScenario().getOrDefault(scenario, 0))
                    .as(scenario)
                    .isGreaterThanOrEqualTo(passed));
    assertThat(gateway.passedByScenario().get("dns-rebinding-protection")).isEqualTo(2);
  }
}
