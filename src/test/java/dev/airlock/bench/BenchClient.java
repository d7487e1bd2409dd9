package dev.airlock.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An asynchronous MCP Streamable HTTP client for the benchmarks: one HTTP/1.1 connection per open
 * request (a held call keeps its connection for its SSE response), so the pool is sized to the
 * number of calls held at once.
 */
final class BenchClient implements AutoCloseable {

  /** One {@code tools/call}: when its answer started (headers), and its full answer. */
  record Call(
      String marker,
      CompletableFuture<Boolean> opened,
      CompletableFuture<String> done,
      AtomicLong doneAtMicros) {

    boolean streaming() {
      return opened.isDone() && !opened.isCompletedExceptionally() && opened.join();
    }
  }

  private final HttpClient client;
  private final String url;
  private final AtomicLong ids = new AtomicLong(100);

  BenchClient(Vertx vertx, String url, int connections) {
    this.url = url;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(connections));
  }

  /** Opens an MCP session (initialize and notifications/initialized); returns its id. */
  String initialize() throws Exception {
    return McpSessions.open(client, url, null);
  }

  /**
   * Sends {@code tools/call} of {@code tool} with argument {@code marker}. {@code opened} completes
   * with true when the answer starts as an SSE stream (Airlock holds the call), false for a plain
   * JSON answer.
   */
  Call call(String session, String tool, String marker) {
    CompletableFuture<Boolean> opened = new CompletableFuture<>();
    CompletableFuture<String> done = new CompletableFuture<>();
    AtomicLong doneAt = new AtomicLong();
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":"
            + ids.incrementAndGet()
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
            + tool
            + "\",\"arguments\":{\"marker\":\""
            + marker
            + "\"}}}";
    client
        .request(options(session))
        .compose(req -> req.send(Buffer.buffer(body)))
        .onSuccess(
            response -> {
              String type = String.valueOf(response.getHeader("Content-Type"));
              opened.complete(response.statusCode() == 200 && type.startsWith("text/event-stream"));
              response
                  .body()
                  .onSuccess(
                      b -> {
                        doneAt.set(BenchUpstream.epochMicros());
                        done.complete(b.toString());
                      })
                  .onFailure(done::completeExceptionally);
            })
        .onFailure(
            error -> {
              opened.completeExceptionally(error);
              done.completeExceptionally(error);
            });
    return new Call(marker, opened, done, doneAt);
  }

  private RequestOptions options(String session) {
    return McpSessions.post(url, null, session);
  }

  @Override
  public void close() throws Exception {
    client.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
