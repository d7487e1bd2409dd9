package dev.airlock.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Airlock replica as a real process running the packaged jar, for tests that need several
 * replicas or a {@code kill -9}.
 */
public final class AirlockProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private AirlockProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts a replica with these extra configuration properties and waits until it is ready. */
  public static AirlockProcess start(String name, Map<String, String> config) throws Exception {
    String jar = System.getProperty("airlock.jar", "target/quarkus-app/quarkus-run.jar");
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A fixed heap, as k8s/base runs it: G1 otherwise shrinks toward the small live set and
    // collects every second under load.
    command.add("-Xms512m");
    command.add("-Xmx512m");
    // Extra JVM flags for the replicas, e.g. the collector:
    // -Dairlock.replica.jvm-options=-XX:+UseZGC
    for (String option : System.getProperty("airlock.replica.jvm-options", "").split("\\s+")) {
      if (!option.isBlank()) {
        command.add(option);
      }
    }
    command.add("-Dquarkus.http.port=" + port);
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dquarkus.log.console.json.enabled=false");
    config.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(jar);
    Path log = Files.createTempFile(Path.of("target"), "replica-" + name + "-", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    AirlockProcess replica = new AirlockProcess(process, port, log);
    replica.awaitReady(Duration.ofSeconds(90));
    return replica;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  /** SIGKILL: no shutdown hook, no graceful close. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  private void awaitReady(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Replica exited during start:\n" + log());
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("Replica not ready within " + timeout + ":\n" + log());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
