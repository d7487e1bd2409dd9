package dev.airlock.bench;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link BenchUpstream} in a JVM of its own, as an upstream server is in service. Beside the load
 * generator, on one Vert.x instance, a direct call never left the harness's process, while a call
 * through Airlock crossed three: the difference could then also count the upstream being elsewhere,
 * which is not Airlock's. Here both paths reach the same separate server. (On 2026-12-02 the two
 * set-ups measured alike on this machine, docs/benchmarks.md.)
 *
 * <p>The child prints {@code listening <url>} once started; {@code held} prints {@code held <calls
 * of the held tool received>}. End of input ends it.
 */
final class UpstreamProcess implements HeldCallsUpstream {

  private final LineProcess process;
  private final String url;

  private UpstreamProcess(LineProcess process, String url) {
    this.process = process;
    this.url = url;
  }

  /** Starts it with a fixed 256 MiB heap: it keeps one arrival time per call it received. */
  static UpstreamProcess start() throws Exception {
    LineProcess process = LineProcess.start("256m", UpstreamProcess.class, List.of());
    try {
      String url = process.expect("listening", 60).substring("listening ".length());
      return new UpstreamProcess(process, url);
    } catch (RuntimeException | InterruptedException e) {
      process.close();
      throw e;
    }
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public long heldCalls() throws Exception {
    process.send("held");
    return Long.parseLong(process.expect("held", 60).split(" ")[1]);
  }

  @Override
  public void close() throws Exception {
    process.close();
  }

  /** The child. */
  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (BenchUpstream upstream = new BenchUpstream(vertx)) {
      LineProcess.reply("listening " + upstream.url());
      LineProcess.serve(command -> command.equals("held") ? "held " + upstream.heldCalls() : null);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
