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

  /** server-sse-polling's check that a stream the server closed mid-call can be resumed. */
  private static final String RESUMED_BY_AIRLOCK = "server-sse-disconnect-resume";

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

    assertPassesEverythingThatPassesDirectly(direct, gateway);
    // server-everything does not check Host and Origin; Airlock does.
    assertThat(gateway.byScenario().get("dns-rebinding-protection").failed()).isEmpty();
  }

  @Test
  void conformanceThroughAirlockPassesEveryCheckAgainstAnUpstreamWithEveryScenario()
      throws Exception {
    NodeHarness.Conformance direct = NodeHarness.conformance(conformanceUpstream.url());
    NodeHarness.Conformance gateway = NodeHarness.conformance(conformanceViaAirlock.toString());

    // The upstream is complete: every scenario of the suite ran and none failed for want of it.
    assertThat(direct.byScenario()).hasSize(32);
    assertThat(direct.failed()).as("failures directly: %s", direct).isZero();
    assertPassesEverythingThatPassesDirectly(direct, gateway);
    // Not even a warning: a gateway that dropped a stream the upstream closed for SSE polling
    // (the call then ends in an error the suite only warns about) would show here.
    assertThat(gateway.failed()).as("failures through Airlock: %s", gateway).isZero();
    assertThat(gateway.warned()).as("warnings through Airlock: %s", gateway).isZero();
  }

  private static void assertPassesEverythingThatPassesDirectly(
      NodeHarness.Conformance direct, NodeHarness.Conformance gateway) {
    assertThat(gateway.byScenario().keySet())
        .containsExactlyInAnyOrderElementsOf(direct.byScenario().keySet());
    direct
        .byScenario()
        .forEach(
            (scenario, checks) -> {
              NodeHarness.Checks through = gateway.byScenario().get(scenario);
              for (String check : checks.passed()) {
                if (check.equals(RESUMED_BY_AIRLOCK)) {
                  // Airlock resumes the stream the upstream closed and keeps the client's open:
                  // the suite, never disconnected, reports that instead of passing the check.
                  assertThat(through.reported()).as(scenario).contains(check);
                } else {
                  assertThat(through.passed()).as(scenario).contains(check);
                }
              }
            });
  }
}
