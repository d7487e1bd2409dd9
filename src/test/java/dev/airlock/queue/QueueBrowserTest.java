package dev.airlock.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.testing.NodeHarness;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The reviewer queue in real headless Chromium (Debian's, driven by playwright-core): a real
 * client's call appears live, is approved with a shortcut, denied with a reason, decided elsewhere
 * (also before the page's event stream opened), and refused to a user without the reviewer role.
 * Screenshots land in target/screenshots/, or where {@code -Dairlock.screenshots=DIR} says ({@code
 * docs/images} refreshes the documentation's), so a test run never rewrites tracked files.
 */
@QuarkusTest
class QueueBrowserTest {

  private static final Path TESTS = Path.of("approvals-ui/tests").toAbsolutePath();

  @TestHTTPResource("/")
  URL base;

  @Test
  void aReviewerDecidesLiveRequestsInTheBrowser() throws Exception {
    // Given
    NodeHarness.install();
    if (!Files.exists(TESTS.resolve("node_modules/playwright-core"))) {
      NodeHarness.Run install =
          NodeHarness.run(TESTS, Duration.ofMinutes(3), "npm", "ci", "--no-audit", "--no-fund");
      assertThat(install.exitCode()).as(install.output()).isZero();
    }
    assertThat(Path.of("/usr/bin/chromium"))
        .as("Debian chromium is installed (.ci/run installs it)")
        .exists();
    Path shots =
        Path.of(System.getProperty("airlock.screenshots", "target/screenshots")).toAbsolutePath();
    Files.createDirectories(shots);

    // When
    NodeHarness.Run run =
        NodeHarness.run(
            TESTS,
            Duration.ofMinutes(3),
            "node",
            "queue-flow.mjs",
            base.toString().replaceAll("/$", ""),
            shots.toString());

    // Then
    assertThat(run.output())
        .contains("\"step\":\"appeared-live\"")
        .contains("\"step\":\"approved-with-shortcut\"")
        .contains("\"step\":\"denied-with-reason\"")
        .contains("\"step\":\"decided-elsewhere-live\"")
        .contains("\"step\":\"decided-before-stream-opened\"")
        .contains("\"step\":\"history-shows-outcome\"")
        .contains("\"step\":\"viewer-refused\"")
        .contains("\"step\":\"done\"");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(shots.resolve("queue.png")).exists();
    assertThat(shots.resolve("queue-detail.png")).exists();
  }
}
