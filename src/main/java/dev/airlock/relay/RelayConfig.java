package dev.airlock.relay;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How the relay talks to clients. */
@ConfigMapping(prefix = "airlock.relay")
public interface RelayConfig {

  /** Largest request body accepted, in bytes; larger ones get HTTP 413. */
  @WithDefault("4194304")
  long maxBodyBytes();

  /**
   * Origins allowed to call {@code /mcp/*} from a browser (DNS-rebinding protection). Requests
   * without an {@code Origin} header (non-browser clients) are always accepted. Loopback origins
   * are always allowed.
   */
  Optional<List<String>> allowedOrigins();

  /**
   * Host names (without port) the gateway answers to; loopback names are always allowed. Set it to
   * the gateway's public names in production. Empty means any host.
   */
  Optional<List<String>> allowedHosts();

  /** A session unused this long is ended, upstream too. */
  @WithDefault("30m")
  Duration sessionIdleTimeout();

  /** How often a held SSE stream gets a keep-alive comment. */
  @WithDefault("15s")
  Duration keepAliveInterval();

  /** Events kept per session for clients that resume the server stream with Last-Event-ID. */
  @WithDefault("1000")
  int replayBufferEvents();

  /** Client reconnection delay sent in the priming event of SSE streams, in milliseconds. */
  @WithDefault("1000")
  long sseRetryMillis();
}
