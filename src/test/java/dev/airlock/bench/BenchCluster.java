package dev.airlock.bench;

import dev.airlock.embedded.EmbeddedInfrastructure;
import dev.airlock.testing.AirlockProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One embedded PostgreSQL and Kafka and N Airlock processes (the packaged jar, {@code -Xms512m
 * -Xmx512m}) sharing them, as in MultiReplicaIT, fronting the harness's {@link BenchUpstream} as
 * upstream {@code bench} under the bench policy. The PostgreSQL and Kafka run in the harness's JVM
 * or, with {@link Infrastructure#OWN_PROCESS}, in one of their own ({@link InfrastructureProcess}).
 */
final class BenchCluster implements AutoCloseable {

  static final String POLICY = "src/test/resources/bench/approval-bench-policy.json";

  /** Where the embedded PostgreSQL and Kafka broker run. */
  enum Infrastructure {
    IN_HARNESS,
    OWN_PROCESS
  }

  private final AutoCloseable infrastructure;
  private final Map<String, String> infrastructureConfig;
  private final List<AirlockProcess> replicas = new ArrayList<>();

  BenchCluster(String name, String upstreamUrl, int replicaCount, Map<String, String> extra)
      throws Exception {
    this(name, upstreamUrl, replicaCount, extra, Infrastructure.IN_HARNESS);
  }

  BenchCluster(
      String name,
      String upstreamUrl,
      int replicaCount,
      Map<String, String> extra,
      Infrastructure where)
      throws Exception {
    Files.createDirectories(Path.of("target"));
    Path dir = Files.createTempDirectory(Path.of("target"), "bench-" + name + "-");
    if (where == Infrastructure.OWN_PROCESS) {
      InfrastructureProcess process = InfrastructureProcess.start(dir, freePort(), freePort());
      infrastructure = process;
      infrastructureConfig = process.config();
    } else {
      EmbeddedInfrastructure embedded =
          new EmbeddedInfrastructure(dir, freePort(), freePort()).start();
      infrastructure = embedded;
      infrastructureConfig = embedded.config();
    }
    Files.copy(Path.of(POLICY), dir.resolve("policy.json"));
    Map<String, String> config = new HashMap<>(infrastructureConfig);
    config.put("quarkus.profile", "local");
    config.put("airlock.auth.mode", "none");
    config.put("airlock.demo.port", "0");
    config.put("airlock.grants.demo-key.enabled", "false");
    config.put("airlock.local.banner", "false");
    config.put("airlock.policy.path", dir.resolve("policy.json").toString());
    config.put("airlock.upstreams.bench.url", upstreamUrl);
    // Per-call INFO lines would make the log, not Airlock, the thing measured.
    config.put("quarkus.log.level", "WARN");
    config.putAll(extra);
    try {
      for (int i = 0; i < replicaCount; i++) {
        replicas.add(AirlockProcess.start(name + "-" + (char) ('a' + i), config));
      }
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /**
   * Has PostgreSQL write all dirty pages now (a superuser {@code CHECKPOINT}). Its next timed
   * checkpoint is then {@code checkpoint_timeout} (5 min) away, so rounds that follow are not the
   * ones that happen to run while a checkpoint writes the pages of what came before.
   */
  void checkpoint() throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(
                infrastructureConfig.get("quarkus.datasource.jdbc.url"),
                infrastructureConfig.get("quarkus.datasource.username"),
                infrastructureConfig.get("quarkus.datasource.password"));
        Statement statement = connection.createStatement()) {
      statement.execute("CHECKPOINT");
    }
  }

  AirlockProcess replica(int index) {
    return replicas.get(index);
  }

  String mcpUrl(int index) {
    return replica(index).baseUrl() + "/mcp/bench";
  }

  @Override
  public void close() throws Exception {
    for (AirlockProcess replica : replicas) {
      replica.close();
    }
    infrastructure.close();
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
