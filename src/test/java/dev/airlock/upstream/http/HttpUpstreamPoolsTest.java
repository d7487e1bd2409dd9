package dev.airlock.upstream.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each event loop forwards over connections of its own. */
class HttpUpstreamPoolsTest {

  private Vertx vertx;
  private HttpServer server;
  private HttpUpstream upstream;
  // Per upstream-side connection: the event loops whose requests it carried.
  private final Map<HttpConnection, Set<String>> loopsByConnection = new ConcurrentHashMap<>();

  @BeforeEach
  void startUpstream() throws Exception {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  loopsByConnection
                      .computeIfAbsent(request.connection(), c -> ConcurrentHashMap.newKeySet())
                      .add(request.getHeader("x-loop"));
                  request.response().end("{}");
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    upstream =
        new HttpUpstream(
            "pools",
            "http://127.0.0.1:" + server.actualPort() + "/mcp",
            Map.of(),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            vertx);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void requestsFromEachEventLoopTravelOnThatLoopsOwnConnections() throws Exception {
    Context first = contextOfANewThread();
    Context second = contextOfANewThread();
    String firstLoop = threadOf(first);
    String secondLoop = threadOf(second);
    assertThat(firstLoop).as("two distinct event loops").isNotEqualTo(secondLoop);

    // Taking turns, one request at a time: one pool shared by both loops would hand each request
    // the connection the other loop's request has just used.
    for (int i = 0; i < 10; i++) {
      send(upstream, first, firstLoop);
      send(upstream, second, secondLoop);
    }

    assertThat(loopsByConnection).hasSize(2);
    assertThat(loopsByConnection.values()).allSatisfy(loops -> assertThat(loops).hasSize(1));
    assertThat(loopsByConnection.values())
        .extracting(loops -> loops.iterator().next())
        .containsExactlyInAnyOrder(firstLoop, secondLoop);
  }

  @Test
  void requestsFromOtherThreadsShareOnePoolOfTheirOwn() throws Exception {
    HttpClient fromThisThread = upstream.client();
    CompletableFuture<HttpClient> fromAnotherThread = new CompletableFuture<>();
    Thread other = new Thread(() -> fromAnotherThread.complete(upstream.client()));
    other.start();

    assertThat(fromAnotherThread.get(10, TimeUnit.SECONDS)).isSameAs(fromThisThread);
    CompletableFuture<HttpClient> fromLoop = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> fromLoop.complete(upstream.client()));
    assertThat(fromLoop.get(10, TimeUnit.SECONDS)).isNotSameAs(fromThisThread);
  }

  /** Vert.x gives each thread of its own one context, on the next event loop in turn. */
  private Context contextOfANewThread() throws Exception {
    CompletableFuture<Context> context = new CompletableFuture<>();
    Thread thread = new Thread(() -> context.complete(vertx.getOrCreateContext()));
    thread.start();
    return context.get(10, TimeUnit.SECONDS);
  }

  private static String threadOf(Context context) throws Exception {
    CompletableFuture<String> name = new CompletableFuture<>();
    context.runOnContext(v -> name.complete(Thread.currentThread().getName()));
    return name.get(10, TimeUnit.SECONDS);
  }

  private static void send(HttpUpstream upstream, Context context, String loop) throws Exception {
    CompletableFuture<Integer> status = new CompletableFuture<>();
    context.runOnContext(
        v ->
            upstream
                .client()
                .request(
                    new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setAbsoluteURI(upstream.uri().toString())
                        .putHeader("x-loop", loop))
                .compose(request -> request.send("{}"))
                .compose(response -> response.body().map(body -> response.statusCode()))
                .onComplete(
                    result -> {
                      if (result.succeeded()) {
                        status.complete(result.result());
                      } else {
                        status.completeExceptionally(result.cause());
                      }
                    }));
    assertThat(status.get(10, TimeUnit.SECONDS)).isEqualTo(200);
  }
}
