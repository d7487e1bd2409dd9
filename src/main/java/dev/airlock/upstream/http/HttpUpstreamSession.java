package dev.airlock.upstream.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.jsonrpc.JsonRpc;
import dev.airlock.sse.SseDecoder;
import dev.airlock.upstream.UpstreamException;
import dev.airlock.upstream.UpstreamListener;
import dev.airlock.upstream.UpstreamSession;
import dev.airlock.upstream.UpstreamStream;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/** One MCP session with a Streamable HTTP upstream. */
final class HttpUpstreamSession implements UpstreamSession {

  private static final Logger LOG = Logger.getLogger(HttpUpstreamSession.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_EVENT_CHARS = 16 * 1024 * 1024;
  private static final int MAX_SERVER_STREAM_RECONNECTS = 50;
  // A request's stream closed before its response is resumed this many times in a row at most
  // without a new event in between (the request's timeout bounds the whole exchange anyway).
  private static final int MAX_IDLE_RESUMES = 10;
  private static final long DEFAULT_RESUME_DELAY_MILLIS = 1_000;
  private static final long MAX_RESUME_DELAY_MILLIS = 30_000;

  private final HttpUpstream upstream;
  private final UpstreamListener listener;
  private volatile String sessionId;
  private volatile boolean closed;
  private volatile HttpClientRequest serverStream;
  private volatile String lastServerEventId;
  private int serverStreamReconnects;

  HttpUpstreamSession(HttpUpstream upstream, UpstreamListener listener) {
    this.upstream = upstream;
    this.listener = listener;
  }

  @Override
  public void request(ObjectNode request, String protocolVersion, UpstreamStream stream) {
    JsonNode id = request.get("id");
    Exchange exchange = new Exchange(id, stream);
    long timer =
        upstream
            .vertx()
            .setTimer(
                upstream.requestTimeout().toMillis(),
                t ->
                    exchange.fail(
                        new UpstreamException(
                            upstream.name(),
                            "no response within " + upstream.requestTimeout().toSeconds() + " s")));
    exchange.onDone(() -> upstream.vertx().cancelTimer(timer));
    post(request, protocolVersion)
        .onSuccess(response -> handleResponse(response, exchange, protocolVersion))
        .onFailure(error -> exchange.fail(unreachable(error)));
  }

  private Future<HttpClientResponse> post(ObjectNode message, String version) {
    RequestOptions options = options(HttpMethod.POST, version);
    options.putHeader("Content-Type", "application/json");
    options.putHeader("Accept", "application/json, text/event-stream");
    Buffer body = Buffer.buffer(message.toString());
    return upstream
        .client()
        .request(options)
        .compose(
            req -> {
              exchangeRequestHook(req);
              return req.send(body);
            });
  }

  private void exchangeRequestHook(HttpClientRequest req) {
    req.exceptionHandler(e -> LOG.debugf("upstream %s request error: %s", upstream.name(), e));
  }

  private RequestOptions options(HttpMethod method, String protocolVersion) {
    RequestOptions options =
        new RequestOptions().setMethod(method).setAbsoluteURI(upstream.uri().toString());
    upstream.headers().forEach(options::putHeader);
    String sid = sessionId;
    if (sid != null) {
      options.putHeader("Mcp-Session-Id", sid);
    }
    if (protocolVersion != null) {
      options.putHeader("MCP-Protocol-Version", protocolVersion);
    }
    return options;
  }

  private void handleResponse(
      HttpClientResponse response, Exchange exchange, String protocolVersion) {
    String sid = response.getHeader("Mcp-Session-Id");
    if (sid != null && sessionId == null) {
      sessionId = sid;
    }
    int status = response.statusCode();
    if (status == 202) {
      exchange.end();
      response.end();
      return;
    }
    if (status == 404 && sessionId != null) {
      listener.onSessionEnded("upstream session expired");
      exchange.fail(new UpstreamException(upstream.name(), "session not found (404)", 404, null));
      return;
    }
    if (status >= 300) {
      response
          .body()
          .onComplete(
              body ->
                  exchange.fail(
                      new UpstreamException(
                          upstream.name(),
                          "HTTP " + status + describeBody(body.succeeded() ? body.result() : null),
                          status,
                          null)));
      return;
    }
    String type = contentType(response.headers());
    if (type.startsWith("text/event-stream")) {
      exchange.stream.onStreamOpened();
      // Registered once per exchange (a JSON answer needs none): whichever stream is being read
      // then, the first or a resumed one, is reset if the exchange ends without its response.
      exchange.onDone(
          () -> {
            HttpClientRequest open = exchange.streamRequest;
            if (!exchange.ended.get() && open != null) {
              open.reset();
            }
          });
      streamEvents(response, exchange, protocolVersion);
    } else {
      response
          .body()
          .onSuccess(body -> deliverJson(body, exchange))
          .onFailure(error -> exchange.fail(unreachable(error)));
    }
  }

  private void streamEvents(
      HttpClientResponse response, Exchange exchange, String protocolVersion) {
    exchange.streamRequest = response.request();
    SseDecoder decoder =
        new SseDecoder(
            event -> {
              if (event.id() != null) {
                exchange.lastEventId = event.id();
                exchange.idleResumes = 0;
              }
              if (event.retry() != null) {
                exchange.retryMillis = event.retry();
                exchange.stream.onRetryHint(event.retry());
              }
              if (event.data() == null || event.data().isBlank()) {
                return;
              }
              ObjectNode message = parse(event.data());
              if (message == null) {
                exchange.fail(
                    new UpstreamException(upstream.name(), "sent an SSE event that is not JSON"));
                return;
              }
              exchange.message(message);
            },
            MAX_EVENT_CHARS);
    response.handler(
        chunk -> {
          try {
            decoder.feed(chunk.getBytes());
          } catch (RuntimeException e) {
            exchange.fail(new UpstreamException(upstream.name(), e.getMessage()));
            response.request().reset();
          }
        });
    response.exceptionHandler(error -> exchange.fail(unreachable(error)));
    response.endHandler(v -> resumeOrEnd(exchange, protocolVersion));
  }

  /**
   * The upstream closed a request's stream. Before the response, and after an event id to resume
   * from, that is SSE polling (2025-11-25): the server frees the connection and the client asks for
   * the rest with {@code GET} and {@code Last-Event-ID} once the {@code retry} delay has passed.
   * The client's own stream stays open meanwhile; it never sees the gap.
   */
  private void resumeOrEnd(Exchange exchange, String protocolVersion) {
    if (exchange.done.get()) {
      return;
    }
    String lastEventId = exchange.lastEventId;
    if (lastEventId == null || closed || ++exchange.idleResumes > MAX_IDLE_RESUMES) {
      exchange.end();
      return;
    }
    long hinted = exchange.retryMillis;
    long delay =
        Math.min(MAX_RESUME_DELAY_MILLIS, hinted >= 0 ? hinted : DEFAULT_RESUME_DELAY_MILLIS);
    upstream
        .vertx()
        .setTimer(Math.max(1, delay), t -> resume(exchange, lastEventId, protocolVersion));
  }

  private void resume(Exchange exchange, String lastEventId, String protocolVersion) {
    if (exchange.done.get()) {
      return;
    }
    RequestOptions options = options(HttpMethod.GET, protocolVersion);
    options.putHeader("Accept", "text/event-stream");
    options.putHeader("Last-Event-ID", lastEventId);
    upstream
        .client()
        .request(options)
        .compose(HttpClientRequest::send)
        .onSuccess(
            response -> {
              if (exchange.done.get()) {
                // Timed out or withdrawn while the resumption was on its way.
                response.request().reset();
                return;
              }
              if (response.statusCode() == 200
                  && contentType(response.headers()).startsWith("text/event-stream")) {
                streamEvents(response, exchange, protocolVersion);
                return;
              }
              if (response.statusCode() == 404) {
                listener.onSessionEnded("upstream session expired");
              }
              response.body();
              exchange.fail(
                  new UpstreamException(
                      upstream.name(),
                      "closed the stream without a response and answered its resumption (GET"
                          + " with Last-Event-ID) with HTTP "
                          + response.statusCode(),
                      response.statusCode(),
                      null));
            })
        .onFailure(error -> exchange.fail(unreachable(error)));
  }

  private void deliverJson(Buffer body, Exchange exchange) {
    if (body.length() == 0) {
      exchange.end();
      return;
    }
    try {
      JsonNode node = JSON.readTree(body.getBytes());
      if (node instanceof ObjectNode object) {
        exchange.message(object);
      } else if (node != null && node.isArray()) {
        node.forEach(
            element -> {
              if (element instanceof ObjectNode object) {
                exchange.message(object);
              }
            });
      }
      exchange.end();
    } catch (IOException e) {
      exchange.fail(new UpstreamException(upstream.name(), "answered with invalid JSON"));
    }
  }

  @Override
  public CompletionStage<Void> send(ObjectNode message, String protocolVersion) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    post(message, protocolVersion)
        .onSuccess(
            response -> {
              int status = response.statusCode();
              response.body();
              if (status == 404 && sessionId != null) {
                listener.onSessionEnded("upstream session expired");
              }
              if (status >= 300) {
                done.completeExceptionally(
                    new UpstreamException(upstream.name(), "HTTP " + status, status, null));
              } else {
                done.complete(null);
              }
            })
        .onFailure(error -> done.completeExceptionally(unreachable(error)));
    return done;
  }

  @Override
  public void openServerStream(String protocolVersion) {
    if (closed || sessionId == null) {
      return;
    }
    RequestOptions options = options(HttpMethod.GET, protocolVersion);
    options.putHeader("Accept", "text/event-stream");
    if (lastServerEventId != null) {
      options.putHeader("Last-Event-ID", lastServerEventId);
    }
    upstream
        .client()
        .request(options)
        .onSuccess(
            req -> {
              serverStream = req;
              req.send()
                  .onSuccess(response -> onServerStream(response, protocolVersion))
                  .onFailure(error -> reconnectServerStream(protocolVersion));
            })
        .onFailure(error -> reconnectServerStream(protocolVersion));
  }

  private void onServerStream(HttpClientResponse response, String protocolVersion) {
    if (response.statusCode() != 200
        || !contentType(response.headers()).startsWith("text/event-stream")) {
      // 405: this upstream offers no standalone stream, which the specification allows.
      response.body();
      if (response.statusCode() == 404) {
        listener.onSessionEnded("upstream session expired");
      }
      return;
    }
    serverStreamReconnects = 0;
    SseDecoder decoder =
        new SseDecoder(
            event -> {
              if (event.id() != null) {
                lastServerEventId = event.id();
              }
              if (event.data() == null || event.data().isBlank()) {
                return;
              }
              ObjectNode message = parse(event.data());
              if (message != null) {
                listener.onUnsolicited(message);
              }
            },
            MAX_EVENT_CHARS);
    response.handler(chunk -> decoder.feed(chunk.getBytes()));
    response.exceptionHandler(error -> reconnectServerStream(protocolVersion));
    response.endHandler(v -> reconnectServerStream(protocolVersion));
  }

  private void reconnectServerStream(String protocolVersion) {
    if (closed || ++serverStreamReconnects > MAX_SERVER_STREAM_RECONNECTS) {
      return;
    }
    long delay = Math.min(30_000, 250L << Math.min(serverStreamReconnects, 7));
    upstream.vertx().setTimer(delay, t -> openServerStream(protocolVersion));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    HttpClientRequest stream = serverStream;
    if (stream != null) {
      stream.reset();
    }
    if (sessionId != null) {
      upstream
          .client()
          .request(options(HttpMethod.DELETE, null))
          .compose(HttpClientRequest::send)
          .onSuccess(HttpClientResponse::body);
    }
  }

  private UpstreamException unreachable(Throwable error) {
    if (error instanceof UpstreamException upstreamError) {
      return upstreamError;
    }
    String message =
        error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    return new UpstreamException(
        upstream.name(), "unreachable at " + upstream.uri() + ": " + message, 0, error);
  }

  private static String contentType(MultiMap headers) {
    String type = headers.get("Content-Type");
    return type == null ? "" : type.toLowerCase(Locale.ROOT);
  }

  private static String describeBody(Buffer body) {
    if (body == null || body.length() == 0) {
      return "";
    }
    String text = body.toString();
    return ": " + (text.length() > 200 ? text.substring(0, 200) + "…" : text);
  }

  private static ObjectNode parse(String data) {
    try {
      JsonNode node = JSON.readTree(data);
      return node instanceof ObjectNode object ? object : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** One request and what it is waiting for; ends exactly once. */
  private static final class Exchange {
    private final JsonNode id;
    private final UpstreamStream stream;
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final List<Runnable> onDone = new CopyOnWriteArrayList<>();
    // The stream being read, and where to resume it if the upstream closes it before the response.
    private volatile HttpClientRequest streamRequest;
    private volatile String lastEventId;
    private volatile long retryMillis = -1;
    private volatile int idleResumes;

    Exchange(JsonNode id, UpstreamStream stream) {
      this.id = id;
      this.stream = stream;
    }

    void onDone(Runnable action) {
      onDone.add(action);
    }

    void message(ObjectNode message) {
      if (done.get()) {
        return;
      }
      // Read before delivery: the receiver owns the message from then on and may change its id.
      boolean isFinal = id != null && JsonRpc.isResponseTo(message, id);
      stream.onMessage(message);
      if (isFinal) {
        end();
      }
    }

    void end() {
      if (done.compareAndSet(false, true)) {
        ended.set(true);
        stream.onEnd();
        onDone.forEach(Runnable::run);
      }
    }

    void fail(UpstreamException error) {
      if (done.compareAndSet(false, true)) {
        stream.onError(error);
        onDone.forEach(Runnable::run);
      }
    }
  }
}
