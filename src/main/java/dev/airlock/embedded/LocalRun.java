package dev.airlock.embedded;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Prepares {@code quarkus-run.jar local}: starts the embedded PostgreSQL and Kafka before Quarkus
 * boots and points the configuration at them through system properties (which override {@code
 * application.properties}).
 */
public final class LocalRun {

  private static final String SESSION_KEY = "quarkus.http.auth.session.encryption-key";

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
    // Without a key Quarkus makes one up for the sign-in cookie and logs it; one of our own per
    // start keeps it out of the log (the local run has one replica, so sessions end with it).
    if (System.getProperty(SESSION_KEY) == null
        && System.getenv("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY") == null) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      System.setProperty(SESSION_KEY, Base64.getEncoder().encodeToString(key));
    }
  }
}
