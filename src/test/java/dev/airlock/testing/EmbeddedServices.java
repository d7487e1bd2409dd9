package dev.airlock.testing;

import dev.airlock.embedded.EmbeddedInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts one real PostgreSQL and one real Kafka broker for the whole test run (JVM-wide), and
 * points every {@code @QuarkusTest} at them.
 */
public class EmbeddedServices implements QuarkusTestResourceLifecycleManager {

  private static EmbeddedInfrastructure infrastructure;
  private static FakeSlack slack;

  /** The fake Slack Web API every test's Airlock talks to. */
  public static synchronized FakeSlack slack() {
    if (slack == null) {
      try {
        slack = new FakeSlack();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return slack;
  }

  public static synchronized EmbeddedInfrastructure infrastructure() {
    if (infrastructure == null) {
      try {
        Path dir = Files.createTempDirectory(Path.of("target"), "embedded-");
        infrastructure = new EmbeddedInfrastructure(dir, 0, 0).start();
        Runtime.getRuntime().addShutdownHook(new Thread(infrastructure::close));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return infrastructure;
  }

  /** Where the test suite's policy lives; tests that edit it restore it. */
  public static final Path TEST_POLICY = Path.of("target/test-policy.json");

  @Override
  public Map<String, String> start() {
    try {
      Files.copy(
          Path.of("src/test/resources/policy/test-policy.json"),
          TEST_POLICY,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> config = new HashMap<>(infrastructure().config());
    config.put("airlock.slack.api-url", slack().apiUrl());
    return config;
  }

  @Override
  public void stop() {
    // Shared by every test class in this JVM; stopped by the shutdown hook.
  }
}
