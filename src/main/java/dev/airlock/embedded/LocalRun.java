package dev.airlock.embedded;

import java.nio.file.Path;
import java.util.Map;

/**
 * Prepares {@code quarkus-run.jar local}: starts the embedded PostgreSQL and Kafka before Quarkus
 * boots and points the configuration at them through system properties (which override {@code
 * application.properties}).
 */
public final class LocalRun {

  private LocalRun() {}

  public static void prepare() {
    Path workDir = Path.of(System.getProperty("airlock.local.dir", "target/airlock-local"));
    EmbeddedInfrastructure infrastructure =
        new EmbeddedInfrastructure(workDir, Integer.getInteger("airlock.local.postgres-port", 0), 0)
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(infrastructure::close, "embedded-shutdown"));
    for (Map.Entry<String, String> entry : infrastructure.config().entrySet()) {
      System.setProperty(entry.getKey(), entry.getValue());
    }
    System.setProperty("quarkus.profile", System.getProperty("quarkus.profile", "local"));
  }
}
