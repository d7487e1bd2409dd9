package dev.airlock.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded default: one real PostgreSQL and one real Kafka broker, both on loopback, with the
 * configuration that points Airlock at them.
 */
public final class EmbeddedInfrastructure implements AutoCloseable {

  private final EmbeddedPostgres postgres;
  private final EmbeddedKafka kafka;

  public EmbeddedInfrastructure(Path workDir, int postgresPort, int kafkaPort) {
    this.postgres = new EmbeddedPostgres(workDir.resolve("postgres"), postgresPort);
    this.kafka = new EmbeddedKafka(workDir.resolve("kafka"), kafkaPort);
  }

  public EmbeddedInfrastructure start() {
    postgres.start();
    kafka.start();
    return this;
  }

  public EmbeddedPostgres postgres() {
    return postgres;
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  /** Quarkus configuration that points the datasource and Kafka at the embedded servers. */
  public Map<String, String> config() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
    config.put("quarkus.datasource.username", postgres.username());
    config.put("quarkus.datasource.password", postgres.password());
    config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    return config;
  }

  @Override
  public void close() {
    try {
      kafka.stop();
    } finally {
      postgres.stop();
    }
  }
}
