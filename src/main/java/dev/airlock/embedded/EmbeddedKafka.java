package dev.airlock.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) on 127.0.0.1, for the
 * local run and the tests. Production talks to an external cluster instead.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private final Path logDir;
  private final int brokerPort;
  private final int controllerPort;
  private KafkaRaftServer server;

  public EmbeddedKafka(Path logDir, int brokerPort) {
    this.logDir = logDir;
    this.brokerPort = brokerPort == 0 ? freePort() : brokerPort;
    this.controllerPort = freePort();
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public int port() {
    return brokerPort;
  }

  public synchronized EmbeddedKafka start() {
    if (server != null) {
      return this;
    }
    try {
      Files.createDirectories(logDir);
      Properties props = brokerProperties();
      KafkaConfig config = new KafkaConfig(props, false);
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        new Formatter()
            .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
            .setNodeId(1)
            .setClusterId(Uuid.randomUuid().toString())
            .setDirectories(List.of(logDir.toString()))
            .setMetadataLogDirectory(logDir.toString())
            .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
            .setControllerListenerName("CONTROLLER")
            .setIgnoreFormatted(true)
            .run();
      }
      server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      return this;
    } catch (Exception e) {
      throw new IllegalStateException("Embedded Kafka did not start in " + logDir, e);
    }
  }

  private Properties brokerProperties() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "3");
    // One broker: internal topics cannot have more replicas, or groups and transactions never form.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "true");
    // Sized for a handful of small topics beside Airlock in one JVM. The log cleaner's default
    // dedupe buffer alone is a 128 MiB heap array that stayed live in the shared heap, and the
    // default thread pools are for a broker serving a fleet (each thread's stack is a GC root).
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
    p.put("num.network.threads", "1");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    return p;
  }

  /** Stops the broker; its data stays on disk so a restart sees the same topics and offsets. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
