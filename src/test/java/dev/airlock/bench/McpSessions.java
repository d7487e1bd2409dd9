package dev.airlock.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;

/** The Streamable HTTP requests every benchmark client sends: a POST, and the session handshake. */
final class McpSessions {

  private static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}";
  private static final String INITIALIZED =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

  private McpSessions() {}

  /** A JSON-RPC POST to {@code url}, in {@code session} when not null, as agent {@code token}. */
  static RequestOptions post(String url, String token, String session) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(url)
            .putHeader("Content-Type", "application/json")
            .putHeader("Accept", "application/json, text/event-stream");
    if (session != null) {
      options.putHeader("Mcp-Session-Id", session).putHeader("MCP-Protocol-Version", "2025-11-25");
    }
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return options;
  }

  /** Opens an MCP session (initialize, then notifications/initialized); returns its id. */
  static String open(HttpClient client, String url, String token) throws Exception {
    String session =
        client
            .request(post(url, token, null))
            .compose(req -> req.send(Buffer.buffer(INITIALIZE)))
            .compose(r -> r.body().map(b -> r.getHeader("Mcp-Session-Id")))
            .toCompletionStage()
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    if (session == null) {
      throw new IllegalStateException("no Mcp-Session-Id from " + url);
    }
    client
        .request(post(url, token, session))
        .compose(req -> req.send(Buffer.buffer(INITIALIZED)))
        .compose(r -> r.body())
        .toCompletionStage()
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    return session;
  }
}
