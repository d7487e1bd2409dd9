package dev.airlock.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.testing.FakeSlack;
import dev.airlock.testing.FakeSlackSocket;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The Socket Mode client's life cycle without a Quarkus boot: the real SDK against a fake Slack on
 * loopback that is unavailable at first. Startup must not wait or fail; the first connection is
 * retried; shutdown closes the connection.
 */
class SlackSocketModeStartupTest {

  @Test
  void aFirstConnectionThatFailsIsRetriedAndShutdownClosesIt() throws Exception {
    try (FakeSlack slack = new FakeSlack()) {
      // Given: Slack answers the first apps.connections.open with a server error
      slack.failNext(500, 1, null);
      SlackSocketMode socketMode = socketMode(slack.apiUrl(), "socket");

      // When
      long started = System.nanoTime();
      socketMode.onStart(new StartupEvent());

      // Then: startup returned at once; the connection comes after the retry
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
      FakeSlackSocket socket = slack.socket();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(socket::connected);
      assertThat(slack.failuresServed.get()).isEqualTo(1);
      assertThat(slack.calls("apps.connections.open")).hasSize(1);

      // When / Then: shutdown closes the connection
      socketMode.onStop(new ShutdownEvent());
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !socket.connected());
    }
  }

  @Test
  void httpModeOpensNoConnection() throws Exception {
    try (FakeSlack slack = new FakeSlack()) {
      SlackSocketMode socketMode = socketMode(slack.apiUrl(), "http");

      socketMode.onStart(new StartupEvent());
      socketMode.onStop(new ShutdownEvent());

      assertThat(slack.calls).isEmpty();
      assertThat(slack.refusals).isEmpty();
    }
  }

  private static SlackSocketMode socketMode(String apiUrl, String mode) {
    SlackSocketMode socketMode = new SlackSocketMode();
    socketMode.settings = settings(apiUrl, mode);
    socketMode.slack = new SlackApi();
    socketMode.slack.settings = socketMode.settings;
    socketMode.json = new ObjectMapper();
    return socketMode;
  }

  /** The real configuration mapping, from properties (with Quarkus's "1s"-style durations). */
  private static SlackSettings settings(String apiUrl, String mode) {
    return new SmallRyeConfigBuilder()
        .withConverter(Duration.class, 200, new DurationConverter())
        .withMapping(SlackSettings.class)
        .withSources(
            new PropertiesConfigSource(
                Map.of(
                    "airlock.slack.enabled",
                    "true",
                    "airlock.slack.mode",
                    mode,
                    "airlock.slack.app-token",
                    FakeSlack.APP_TOKEN,
                    "airlock.slack.api-url",
                    apiUrl),
                "test",
                100))
        .build()
        .getConfigMapping(SlackSettings.class);
  }
}
