package dev.airlock.upstream.http;

import dev.airlock.upstream.UpstreamListener;
import dev.airlock.upstream.UpstreamSession;
import dev.airlock.upstream.UpstreamTransport;
import dev.airlock.upstream.UpstreamsConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An upstream MCP server reached over Streamable HTTP.
 *
 * <p>Each event loop has its own connection pool, as each Envoy worker does. A Vert.x connection
 * lives on the event loop that opened it, and one pool shared by all loops hands a request the most
 * recently used connection, whichever loop owns it: the request is then written on that loop and
 * its answer handed back, two thread hand-offs per call. With a pool per loop a forwarded call
 * stays on the thread that received it.
 */
public final class HttpUpstream implements UpstreamTransport {

  private static final int MAX_CONNECTIONS_PER_POOL = 256;

  private final String name;
  private final URI uri;
  private final Map<String, String> headers;
  private final Duration requestTimeout;
  private final HttpClientOptions options;
  private final Vertx vertx;
  // Keyed by the event loop thread that sends: as many pools as event loops, created on first use.
  private final Map<Thread, HttpClient> byEventLoop = new ConcurrentHashMap<>();
  // For requests sent from other threads.
  private final HttpClient offLoop;

  public HttpUpstream(String name, String url, UpstreamsConfig.Upstream config, Vertx vertx) {
    this(
        name,
        url,
        HeaderValues.resolve(config.headers()),
        config.requestTimeout(),
        config.connectTimeout(),
        vertx);
  }

  public HttpUpstream(
      String name,
      String url,
      Map<String, String> headers,
      Duration requestTimeout,
      Duration connectTimeout,
      Vertx vertx) {
    this.name = name;
    this.uri = URI.create(url);
    this.headers = Map.copyOf(headers);
    this.requestTimeout = requestTimeout;
    this.vertx = vertx;
    this.options =
        new HttpClientOptions()
            .setConnectTimeout((int) connectTimeout.toMillis())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setSsl("https".equals(uri.getScheme()))
            .setDecompressionSupported(true);
    this.offLoop = newClient();
  }

  private HttpClient newClient() {
    // An event loop size of 0 (the default) opens connections on the requesting loop.
    return vertx.createHttpClient(
        options, new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_POOL));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String describe() {
    return uri.toString();
  }

  @Override
  public UpstreamSession open(UpstreamListener listener) {
    return new HttpUpstreamSession(this, listener);
  }

  /** The connection pool for the calling thread: its event loop's, or the one for other threads. */
  HttpClient client() {
    if (Context.isOnEventLoopThread()) {
      return byEventLoop.computeIfAbsent(Thread.currentThread(), loop -> newClient());
    }
    return offLoop;
  }

  Vertx vertx() {
    return vertx;
  }

  URI uri() {
    return uri;
  }

  Map<String, String> headers() {
    return headers;
  }

  Duration requestTimeout() {
    return requestTimeout;
  }
}
