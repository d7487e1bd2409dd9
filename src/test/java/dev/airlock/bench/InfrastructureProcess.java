package dev.airlock.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.embedded.EmbeddedInfrastructure;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The embedded PostgreSQL and Kafka broker ({@link EmbeddedInfrastructure}) in a JVM of their own,
 * as a cluster and a database are elsewhere in service. Inside the harness's JVM the broker shares
 * the load generator's heap and collector, and it only works while calls go through Airlock (each
 * is audited and the trail is published to the broker): its garbage could then lengthen the load
 * generator's pauses in the Airlock rounds only, which the harness would count as Airlock's. (On
 * 2026-12-02 the two set-ups measured alike on this machine, docs/benchmarks.md.)
 *
 * <p>The child prints {@code config <settings as a JSON object>} once both run. End of input stops
 * the broker and PostgreSQL and ends it.
 */
final class InfrastructureProcess implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LineProcess process;
  private final Map<String, String> config;

  private InfrastructureProcess(LineProcess process, Map<String, String> config) {
    this.process = process;
    this.config = config;
  }

  /** Starts it in {@code workDir}, with a fixed 384 MiB heap (the broker's). */
  static InfrastructureProcess start(Path workDir, int postgresPort, int kafkaPort)
      throws Exception {
    LineProcess process =
        LineProcess.start(
            "384m",
            InfrastructureProcess.class,
            List.of(
                workDir.toString(), Integer.toString(postgresPort), Integer.toString(kafkaPort)));
    try {
      String settings = process.expect("config", 180).substring("config ".length());
      return new InfrastructureProcess(
          process, JSON.readValue(settings, new TypeReference<Map<String, String>>() {}));
    } catch (Exception e) {
      process.close();
      throw e;
    }
  }

  /** Quarkus configuration that points the datasource and Kafka at the child's servers. */
  Map<String, String> config() {
    return config;
  }

  @Override
  public void close() throws Exception {
    process.close();
  }

  /** The child. */
  public static void main(String[] args) throws Exception {
    // The broker logs; its lines must not be taken for the reply.
    LineProcess.divertOtherOutput();
    try (EmbeddedInfrastructure infrastructure =
        new EmbeddedInfrastructure(
                Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]))
            .start()) {
      LineProcess.reply("config " + JSON.writeValueAsString(infrastructure.config()));
      LineProcess.serve(command -> null);
    }
  }
}
