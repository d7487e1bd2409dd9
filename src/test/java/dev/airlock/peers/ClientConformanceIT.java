package dev.airlock.peers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.testing.NodeHarness;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MCP conformance suite's client scenarios with Airlock as the client under test: Airlock, the
 * packaged jar, is the MCP client of the suite's own test server (see {@code
 * airlock-as-client.mjs}). {@code sse-retry} closes a tool call's stream before the result and
 * checks that the client waits the stream's {@code retry} and resumes with {@code Last-Event-ID}.
 */
class ClientConformanceIT {

  @ParameterizedTest
  @ValueSource(strings = {"initialize", "sse-retry"})
  void airlockAsTheUpstreamsClientPassesEveryCheck(String scenario) throws Exception {
    Path work = Files.createDirectories(Path.of("target/client-conformance").toAbsolutePath());
    Path local = Files.createTempDirectory(work, scenario + "-");
    Map<String, String> airlock =
        Map.of(
            "AIRLOCK_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "AIRLOCK_JAR",
                Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath().toString(),
            "AIRLOCK_PORT", Integer.toString(freePort()),
            "AIRLOCK_DEMO_PORT", Integer.toString(freePort()),
            "AIRLOCK_DIR", local.toString(),
            "AIRLOCK_LOG", local.resolve("airlock.log").toString());

    NodeHarness.Checks checks = NodeHarness.clientConformance(scenario, airlock);

    assertThat(checks.passed()).as("checks passed").isNotEmpty();
    assertThat(checks.failed()).as("failed checks (Airlock's log: %s)", local).isEmpty();
    // The one warning allowed: a reconnection up to 200 ms late, which the suite itself calls
    // acceptable; on two shared cores a timer can fire that late. Too early is a failure.
    assertThat(checks.warned())
        .as("warnings (Airlock's log: %s)", local)
        .isSubsetOf("client-sse-retry-timing");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
