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
 * over stdio, and the MCP conformance suite passes through Airlock every check it passes directly:
 * against server-everything, and against an upstream on the official SDK that has everything the
 * suite's scenarios ask for, so that no check is out of reach.
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

  @TestHTTPResource("/mcp/conformance")
  URL conformanceViaAirlock;

  private NodeHarness.Server everything;
  private NodeHarness.Server conformanceUpstream;

  @BeforeAll
  void start() throws Exception {
    everything = NodeHarness.startEverything();
    conformanceUpstream = NodeHarness.startConformanceUpstream();
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
    upstreams.register(
        new HttpUpstream(
            "conformance",
            conformanceUpstream.url(),
            Map.of(),
            Duration.ofSeconds(60),
            Duration.ofSeconds(5),
            vertx));
  }

  @AfterAll
  void stop() {
    everything.close();
    conformanceUpstream.close();
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

  @Test
  void conformanceThroughAirlockPassesEveryCheckAgainstAnUpstreamWithEveryScenario()
      throws Exception {
    NodeHarness.Conformance direct = NodeHarness.conformance(conformanceUpstream.url());
    NodeHarness.Conformance gateway = NodeHarness.conformance(conformanceViaAirlock.toString());

    // The upstream is complete: every scenario of the suite runs and none fails for want of it.
    assertThat(direct.failed()).as("direct failures").isZero();
    assertThat(direct.passedByScenario()).hasSize(32);
    assertThat(gateway.failed()).as("failures through Airlock").isZero();
    assertThat(gateway.passedByScenario().keySet())
        .containsExactlyInAnyOrderElementsOf(direct.passedByScenario().keySet());
    direct
        .passedByScenario()
        .forEach(
            (scenario, passed) ->
                assertThat(gateway.passedByScenario().get(scenario))
                    .as(scenario)
                    .isGreaterThanOrEqualTo(passed));
  }
}
