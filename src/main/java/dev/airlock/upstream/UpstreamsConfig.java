package dev.airlock.upstream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The MCP servers Airlock fronts: {@code airlock.upstreams.<name>.url=…} for Streamable HTTP, or
 * {@code airlock.upstreams.<name>.command=…} (with args, env, working-dir) for stdio.
 */
@ConfigMapping(prefix = "airlock.upstreams")
public interface UpstreamsConfig {

  @WithParentName
  Map<String, Upstream> upstreams();

  interface Upstream {
    /** Streamable HTTP endpoint of the server, e.g. {@code http://127.0.0.1:3001/mcp}. */
    Optional<String> url();

    /**
     * Extra headers sent to an HTTP upstream. A value {@code ${env:NAME}} is read from the
     * environment variable NAME, so secrets stay out of configuration files.
     */
    Map<String, String> headers();

    /** Program to start for a stdio upstream (one process per client session). */
    Optional<String> command();

    Optional<List<String>> args();

    /** Environment of the stdio process, added to Airlock's own. */
    Map<String, String> env();

    Optional<String> workingDir();

    /** How long a request may wait for its upstream response before the client gets an error. */
    @WithDefault("120s")
    Duration requestTimeout();

    @WithDefault("5s")
    Duration connectTimeout();

    /** stdio: restarts allowed for one session before it is ended. */
    @WithDefault("5")
    int maxRestarts();

    /** stdio: first restart delay; doubles on every restart up to 30 s. */
    @WithDefault("500ms")
    Duration restartBackoff();
  }
}
