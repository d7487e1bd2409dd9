package dev.airlock.upstream.http;

import dev.airlock.upstream.UpstreamListener;
import dev.airlock.upstream.UpstreamSession;
import dev.airlock.upstream.UpstreamTransport;
import dev.airlock.upstream.UpstreamsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** An upstream MCP server reached over Streamable HTTP. */
public final class HttpUpstream implements UpstreamTransport {

  private final String name;
  private final URI uri;
  private final Map<String, String> headers;
  private final Duration requestTimeout;
  private final HttpClient client;
  private final Vertx vertx;

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
    HttpClientOptions options =
        new HttpClientOptions()
            .setConnectTimeout((int) connectTimeout.toMillis())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setSsl("https".equals(uri.getScheme()))
            .setDecompressionSupported(true);
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(256));
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

  HttpClient client() {
    return client;
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
