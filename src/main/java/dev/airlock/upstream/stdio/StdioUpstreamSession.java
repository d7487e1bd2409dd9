package dev.airlock.upstream.stdio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.jsonrpc.JsonRpc;
import dev.airlock.upstream.UpstreamException;
import dev.airlock.upstream.UpstreamListener;
import dev.airlock.upstream.UpstreamSession;
import dev.airlock.upstream.UpstreamStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One supervised child process. When it dies, in-flight requests fail with a clear error, and it is
 * restarted with exponential backoff; the client's {@code initialize} is replayed so the session
 * goes on. After too many restarts the session ends and the client must initialize again.
 */
final class StdioUpstreamSession implements UpstreamSession {

  private static final Logger LOG = Logger.getLogger(StdioUpstreamSession.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StdioUpstream upstream;
  private final UpstreamListener listener;
  private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
  private volatile Process process;
  private volatile OutputStream stdin;
  private volatile boolean closed;
  private volatile ObjectNode initializeRequest;
  private volatile String protocolVersion;
  private int restarts;

  StdioUpstreamSession(StdioUpstream upstream, UpstreamListener listener) {
    this.upstream = upstream;
    this.listener = listener;
  }

  private synchronized void ensureStarted() throws IOException {
    if (process != null && process.isAlive()) {
      return;
    }
    Process started = upstream.processBuilder().start();
    process = started;
    stdin = started.getOutputStream();
    startDaemon("stdio-" + upstream.name() + "-out", () -> readStdout(started));
    startDaemon("stdio-" + upstream.name() + "-err", () -> readStderr(started));
    started.onExit().thenAccept(this::onExit);
  }

  private static void startDaemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void request(ObjectNode request, String version, UpstreamStream stream) {
    if ("initialize".equals(request.path("method").asText())) {
      initializeRequest = request.deepCopy();
    }
    if (version != null) {
      protocolVersion = version;
    }
    String id = JsonRpc.idKey(request.get("id"));
    Pending pending = new Pending(stream, request);
    inFlight.put(id, pending);
    pending.timer =
        upstream
            .vertx()
            .setTimer(
                upstream.requestTimeout().toMillis(),
                t -> {
                  if (inFlight.remove(id, pending)) {
                    stream.onError(
                        new UpstreamException(
                            upstream.name(),
                            "no response within " + upstream.requestTimeout().toSeconds() + " s"));
                  }
                });
    try {
      write(request);
    } catch (IOException e) {
      if (inFlight.remove(id, pending)) {
        upstream.vertx().cancelTimer(pending.timer);
        stream.onError(
            new UpstreamException(upstream.name(), "process not writable: " + e.getMessage()));
      }
    }
  }

  @Override
  public CompletionStage<Void> send(ObjectNode message, String version) {
    try {
      write(message);
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          new UpstreamException(upstream.name(), "process not writable: " + e.getMessage()));
    }
  }

  @Override
  public void openServerStream(String version) {
    // stdout carries everything; there is no separate stream to open.
  }

  private void write(ObjectNode message) throws IOException {
    if (closed) {
      throw new IOException("session closed");
    }
    ensureStarted();
    byte[] line = (message.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (this) {
      stdin.write(line);
      stdin.flush();
    }
  }

  private void readStdout(Process source) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(source.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (IOException e) {
          LOG.warnf("Upstream %s wrote a non-JSON line to stdout; ignored", upstream.name());
          continue;
        }
        if (node instanceof ObjectNode message) {
          route(message);
        }
      }
    } catch (IOException e) {
      LOG.debugf("Upstream %s stdout closed: %s", upstream.name(), e.getMessage());
    }
  }

  private void route(ObjectNode message) {
    boolean isResponse = !message.has("method") && (message.has("result") || message.has("error"));
    if (isResponse) {
      Pending pending = inFlight.remove(JsonRpc.idKey(message.get("id")));
      if (pending != null) {
        upstream.vertx().cancelTimer(pending.timer);
        pending.stream.onMessage(message);
        pending.stream.onEnd();
      }
      return;
    }
    Pending related = relatedRequest(message);
    if (related != null) {
      related.stream.onMessage(message);
    } else {
      listener.onUnsolicited(message);
    }
  }

  /** Progress carries the request's token; server requests go with the newest open request. */
  private Pending relatedRequest(ObjectNode message) {
    JsonNode token = message.path("params").get("progressToken");
    if (token != null) {
      for (Pending pending : inFlight.values()) {
        if (token.equals(pending.request.path("params").path("_meta").get("progressToken"))) {
          return pending;
        }
      }
      return null;
    }
    if (message.has("id")) {
      Pending newest = null;
      for (Pending pending : inFlight.values()) {
        if (newest == null || pending.startedAt > newest.startedAt) {
          newest = pending;
        }
      }
      return newest;
    }
    return null;
  }

  private void readStderr(Process source) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(source.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        LOG.infof("[%s stderr] %s", upstream.name(), line);
      }
    } catch (IOException e) {
      LOG.debugf("Upstream %s stderr closed", upstream.name());
    }
  }

  private void onExit(Process exited) {
    if (closed) {
      return;
    }
    int code = exited.exitValue();
    LOG.warnf("Upstream %s process exited with code %d", upstream.name(), code);
    for (Map.Entry<String, Pending> entry : inFlight.entrySet()) {
      if (inFlight.remove(entry.getKey(), entry.getValue())) {
        upstream.vertx().cancelTimer(entry.getValue().timer);
        entry
            .getValue()
            .stream
            .onError(new UpstreamException(upstream.name(), "process exited with code " + code));
      }
    }
    scheduleRestart();
  }

  private void scheduleRestart() {
    int attempt;
    synchronized (this) {
      attempt = ++restarts;
    }
    if (attempt > upstream.maxRestarts()) {
      LOG.errorf("Upstream %s died %d times; ending the session", upstream.name(), attempt - 1);
      close();
      listener.onSessionEnded("upstream process keeps exiting");
      return;
    }
    long delay =
        Math.min(30_000, upstream.restartBackoff().toMillis() << Math.min(attempt - 1, 10));
    upstream.vertx().setTimer(delay, t -> restart());
  }

  private void restart() {
    if (closed) {
      return;
    }
    try {
      ensureStarted();
      ObjectNode init = initializeRequest;
      if (init != null) {
        // Replays the handshake so the client's session survives the restart.
        ObjectNode replay = init.deepCopy();
        replay.put("id", "airlock-reinit-" + restarts);
        request(replay, protocolVersion, new ReplayedHandshake());
      }
    } catch (IOException e) {
      LOG.warnf("Upstream %s did not restart: %s", upstream.name(), e.getMessage());
      scheduleRestart();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Process running = process;
    if (running != null) {
      running.destroy();
      running
          .onExit()
          .orTimeout(5, TimeUnit.SECONDS)
          .exceptionally(
              e -> {
                running.destroyForcibly();
                return null;
              });
    }
    for (Pending pending : inFlight.values()) {
      upstream.vertx().cancelTimer(pending.timer);
      pending.stream.onError(new UpstreamException(upstream.name(), "session closed"));
    }
    inFlight.clear();
  }

  private final class ReplayedHandshake implements UpstreamStream {
    @Override
    public void onMessage(ObjectNode message) {
      if (message.has("result")) {
        ObjectNode initialized = JSON.createObjectNode();
        initialized.put("jsonrpc", "2.0").put("method", "notifications/initialized");
        send(initialized, protocolVersion);
      }
    }

    @Override
    public void onEnd() {}

    @Override
    public void onError(UpstreamException error) {
      LOG.warnf(
          "Upstream %s did not accept the replayed initialize: %s",
          upstream.name(), error.getMessage());
    }
  }

  private static final class Pending {
    final UpstreamStream stream;
    final ObjectNode request;
    final long startedAt = System.nanoTime();
    volatile long timer;

    Pending(UpstreamStream stream, ObjectNode request) {
      this.stream = stream;
      this.request = request;
    }
  }
}
