package dev.airlock.upstream.stdio;

import dev.airlock.upstream.UpstreamListener;
import dev.airlock.upstream.UpstreamSession;
import dev.airlock.upstream.UpstreamTransport;
import dev.airlock.upstream.UpstreamsConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An upstream MCP server started as a child process speaking JSON-RPC over stdin/stdout. Each
 * client session gets its own process, so one client session maps to one upstream session.
 */
public final class StdioUpstream implements UpstreamTransport {

  private final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path workingDir;
  private final Duration requestTimeout;
  private final int maxRestarts;
  private final Duration restartBackoff;
  private final Vertx vertx;

  public StdioUpstream(String name, UpstreamsConfig.Upstream config, Vertx vertx) {
    this(
        name,
        commandLine(config),
        config.env(),
        config.workingDir().map(Path::of).orElse(null),
        config.requestTimeout(),
        config.maxRestarts(),
        config.restartBackoff(),
        vertx);
  }

  public StdioUpstream(
      String name,
      List<String> command,
      Map<String, String> env,
      Path workingDir,
      Duration requestTimeout,
      int maxRestarts,
      Duration restartBackoff,
      Vertx vertx) {
    this.name = name;
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.workingDir = workingDir;
    this.requestTimeout = requestTimeout;
    this.maxRestarts = maxRestarts;
    this.restartBackoff = restartBackoff;
    this.vertx = vertx;
  }

  private static List<String> commandLine(UpstreamsConfig.Upstream config) {
    List<String> line = new ArrayList<>();
    line.add(config.command().orElseThrow());
    config.args().ifPresent(line::addAll);
    return line;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String describe() {
    return String.join(" ", command);
  }

  @Override
  public UpstreamSession open(UpstreamListener listener) {
    return new StdioUpstreamSession(this, listener);
  }

  ProcessBuilder processBuilder() {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    if (workingDir != null) {
      builder.directory(workingDir.toFile());
    }
    return builder;
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  int maxRestarts() {
    return maxRestarts;
  }

  Duration restartBackoff() {
    return restartBackoff;
  }

  Vertx vertx() {
    return vertx;
  }
}
