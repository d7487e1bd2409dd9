package dev.airlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Load harness: time from a reviewer's decision being recorded to the held call reaching the
 * upstream, on one node (the call is decided on the replica that holds it) and across two replicas
 * (held by A, decided through B), beside the baseline of the same call under an allow rule (sent by
 * the agent to reaching the upstream through Airlock).
 *
 * <p>Two Airlock processes share one embedded PostgreSQL and Kafka; the upstream is a {@link
 * BenchUpstream} in this JVM that stamps each call's arrival with the wall clock, which Airlock's
 * stored {@code decidedAt} shares (one machine). Samples are taken one at a time, the three kinds
 * interleaved, so each measures an idle path rather than a queue.
 *
 * <p>Usage: {@code ReleaseLatencyBench [--samples 200] [--warmup 20] [--max-seconds 240]}; see
 * docs/benchmarks.md.
 */
public final class ReleaseLatencyBench {

  enum Kind {
    ONE_NODE,
    CROSS_REPLICA,
    ALLOWED
  }

  /** The measurements of one sample, epoch microseconds. */
  record Sample(long start, long apiReturned, long upstreamArrival, long agentAnswered) {}

  public static void main(String[] args) throws Exception {
    int samples = Integer.parseInt(arg(args, "--samples", "200"));
    int warmup = Integer.parseInt(arg(args, "--warmup", "20"));
    long maxSeconds = Long.parseLong(arg(args, "--max-seconds", "240"));
    long started = System.nanoTime();
    Vertx vertx = Vertx.vertx();
    try (BenchUpstream upstream = new BenchUpstream(vertx);
        BenchCluster cluster = new BenchCluster("release", upstream.url(), 2, Map.of());
        BenchClient agent = new BenchClient(vertx, cluster.mcpUrl(0), 8)) {
      ReviewerApi api = new ReviewerApi();
      String session = agent.initialize();
      System.err.printf("cluster ready in %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
      // Bounds the sampling, not the start (which takes longer on a loaded machine).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
      Runner runner = new Runner(upstream, agent, session, api, cluster);
      Map<Kind, List<Sample>> results = new EnumMap<>(Kind.class);
      for (Kind kind : Kind.values()) {
        results.put(kind, new ArrayList<>());
      }
      int failures = 0;
      for (int i = 0; i < warmup + samples && System.nanoTime() < deadline; i++) {
        for (Kind kind : Kind.values()) {
          try {
            Sample sample = runner.sample(kind, "s" + i);
            if (i >= warmup) {
              results.get(kind).add(sample);
            }
          } catch (Exception e) {
            failures++;
            System.err.println(kind + " sample " + i + " failed: " + e);
          }
        }
      }
      print(results, failures);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Takes samples against a running cluster: the agent's session is on replica A. */
  static final class Runner {
    private final BenchUpstream upstream;
    private final BenchClient agent;
    private final String session;
    private final ReviewerApi api;
    private final BenchCluster cluster;

    Runner(
        BenchUpstream upstream,
        BenchClient agent,
        String session,
        ReviewerApi api,
        BenchCluster cluster) {
      this.upstream = upstream;
      this.agent = agent;
      this.session = session;
      this.api = api;
      this.cluster = cluster;
    }

    Sample sample(Kind kind, String id) throws Exception {
      String marker = kind.name().toLowerCase(Locale.ROOT) + "-" + id;
      if (kind == Kind.ALLOWED) {
        long sent = BenchUpstream.epochMicros();
        BenchClient.Call call = agent.call(session, BenchUpstream.ALLOWED, marker);
        expectResult(call);
        return new Sample(sent, sent, arrival(marker), call.doneAtMicros().get());
      }
      BenchClient.Call call = agent.call(session, BenchUpstream.HELD, marker);
      if (!call.opened().get(15, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not held: " + call.done().get(5, TimeUnit.SECONDS));
      }
      String approval = awaitPending(marker);
      String decider =
          kind == Kind.ONE_NODE ? cluster.replica(0).baseUrl() : cluster.replica(1).baseUrl();
      ReviewerApi.Decision decision = api.approve(decider, approval);
      if (decision.status() != 200) {
        throw new IllegalStateException("decision: HTTP " + decision.status() + decision.view());
      }
      expectResult(call);
      return new Sample(
          decision.decidedAtMicros(),
          decision.returnedAtMicros(),
          arrival(marker),
          call.doneAtMicros().get());
    }

    /** Parking commits before the SSE stream opens, so this usually finds it at once. */
    private String awaitPending(String marker) throws Exception {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < until) {
        for (JsonNode view : api.pending(cluster.replica(0).baseUrl(), BenchUpstream.HELD, 100)) {
          if (marker.equals(view.path("arguments").path("marker").asText())) {
            return view.path("id").asText();
          }
        }
        Thread.sleep(2);
      }
      throw new IllegalStateException("no pending approval for " + marker);
    }

    private void expectResult(BenchClient.Call call) throws Exception {
      String answer = call.done().get(15, TimeUnit.SECONDS);
      if (!answer.contains("done " + call.marker())) {
        throw new IllegalStateException("unexpected answer: " + answer);
      }
    }

    private long arrival(String marker) {
      Long arrived = upstream.arrival(marker);
      if (arrived == null) {
        throw new IllegalStateException("the agent was answered but the upstream saw no call");
      }
      return arrived;
    }
  }

  private static void print(Map<Kind, List<Sample>> results, int failures) {
    List<Distribution> rows = new ArrayList<>();
    List<Sample> one = results.get(Kind.ONE_NODE);
    List<Sample> cross = results.get(Kind.CROSS_REPLICA);
    List<Sample> allowed = results.get(Kind.ALLOWED);
    rows.add(span("one node: decision stored → upstream receives the call", one, true, false));
    rows.add(span("one node: decision API returned → upstream receives", one, false, false));
    rows.add(span("one node: decision stored → agent has the result", one, true, true));
    rows.add(
        span(
            "two replicas: decision stored on B → upstream receives (held by A)",
            cross,
            true,
            false));
    rows.add(
        span("two replicas: decision API on B returned → upstream receives", cross, false, false));
    rows.add(span("two replicas: decision stored on B → agent has the result", cross, true, true));
    rows.add(span("baseline, allowed call: agent sends → upstream receives", allowed, true, false));
    rows.add(
        span("baseline, allowed call: agent sends → agent has the result", allowed, true, true));
    System.out.println(Distribution.header());
    rows.forEach(r -> System.out.println(r.row()));
    System.out.println("\nfailed samples: " + failures);
  }

  private static Distribution span(
      String name, List<Sample> samples, boolean fromStored, boolean toAgent) {
    List<Long> values = new ArrayList<>();
    for (Sample s : samples) {
      long from = fromStored ? s.start() : s.apiReturned();
      long to = toAgent ? s.agentAnswered() : s.upstreamArrival();
      values.add(to - from);
    }
    return Distribution.of(name, values);
  }

  private static String arg(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
