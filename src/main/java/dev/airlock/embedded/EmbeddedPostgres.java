package dev.airlock.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server (zonky's binaries in a jar) on 127.0.0.1, for the local run and the
 * tests. Production uses an external server through the standard {@code quarkus.datasource.*}
 * settings.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  private final Path dataDir;
  private final int requestedPort;
  private io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;

  public EmbeddedPostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.requestedPort = port;
  }

  public synchronized EmbeddedPostgres start() {
    if (postgres != null) {
      return this;
    }
    try {
      Files.createDirectories(dataDir);
      Files.createDirectories(dataDir.resolveSibling("postgres-bin"));
      var builder =
          io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              // Never clean: zonky deletes a "clean" data directory on close, and a restart (tests
              // stop the server to prove Airlock fails closed) must find its data again. initdb
              // still runs when the directory is new.
              .setCleanDataDirectory(false)
              .setOverrideWorkingDirectory(dataDir.resolveSibling("postgres-bin").toFile())
              .setServerConfig("listen_addresses", "127.0.0.1")
              // zonky starts PostgreSQL as a throwaway test database: no fsync (-F), no synchronous
              // commit. Airlock's promises (an intent durable before its call is forwarded) are a
              // real server's, so this one commits as production's does, and benchmarks pay for it.
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("max_connections", "200");
      if (requestedPort != 0) {
        builder.setPort(requestedPort);
      }
      postgres = builder.start();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("Embedded PostgreSQL did not start in " + dataDir, e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/postgres";
  }

  public String username() {
    return "postgres";
  }

  public String password() {
    return "postgres";
  }

  public synchronized void stop() {
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      postgres = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
