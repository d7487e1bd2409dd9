package dev.airlock.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load harness: one Airlock process ({@code -Xms512m -Xmx512m}) holds N calls (default 10,000)
 * parked in hold mode, each with its SSE response stream open at an agent (the agents run in their
 * own process, {@link ParkedAgents}); measures Airlock's used heap after a full GC, and the latency
 * of allowed calls at a fixed rate while they are parked, beside the same load before any was
 * parked and beside the upstream called directly (the upstream in a process of its own, {@link
 * UpstreamProcess}; PostgreSQL and the Kafka broker in another, {@link InfrastructureProcess}).
 * Then approves every parked call and checks each one reached the upstream and its agent.
 *
 * <p>Usage: {@code ParkedCapacityBench [--parked 10000] [--sessions 100] [--rate 500] [--seconds
 * 15] [--warmup 20] [--rounds 3] [--slices 0] [--slice-ms 1000] [--settle 5] [--checkpoint]
 * [--park-warmup 0] [--jit-quiet 0] [--no-full-gc] [--upstream-in-harness]
 * [--infrastructure-in-harness] [--trace FILE]}; see docs/benchmarks.md.
 */
public final class ParkedCapacityBench {

  private static final String ALLOWED_CALL =
      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"BenchAllowed\",\"arguments\":{\"marker\":\"load\"}}}";

  public static void main(String[] args) throws Exception {
    int parked = Integer.parseInt(arg(args, "--parked", "10000"));
    int sessions = Integer.parseInt(arg(args, "--sessions", "100"));
    int rate = Integer.parseInt(arg(args, "--rate", "500"));
    int seconds = Integer.parseInt(arg(args, "--seconds", "15"));
    int warmup = Integer.parseInt(arg(args, "--warmup", "20"));
    // Parks serialize on the audit chain's lock; more concurrent opens than the 32 database
    // connections only wait for a connection, and past the pool's 5 s acquisition timeout fail
    // closed (measured with 200: 6% refused), which measures overload rather than capacity.
    int openConcurrency = Integer.parseInt(arg(args, "--open-concurrency", "32"));
    int parkLimit = Integer.parseInt(arg(args, "--park-seconds", "300"));
    int rounds = Integer.parseInt(arg(args, "--rounds", "3"));
    // After the rounds, each state's load again in slices alternating between the two paths
    // (InterleavedSlices): --slices per path (0, the default: none), of --slice-ms each. 45
    // one-second slices send each path as many calls as three 15 s rounds.
    int slices = Integer.parseInt(arg(args, "--slices", "0"));
    int sliceMillis = Integer.parseInt(arg(args, "--slice-ms", "1000"));
    // The pause before each state's rounds, after the harness's full GC. Parking 10,000 calls in
    // 40 s leaves PostgreSQL and the JVM work for a while afterwards (autovacuum of the new rows,
    // WAL, collections); a longer one measures holding them rather than the aftermath of parking.
    int settleSeconds = Integer.parseInt(arg(args, "--settle", "5"));
    // With --checkpoint: a PostgreSQL checkpoint before each state's rounds, so that no state is
    // measured while a checkpoint writes out the pages of the state before (on a slow disk they
    // delay commits, and every forwarded call waits for one: its audit intent).
    boolean checkpoint = flag(args, "--checkpoint");
    // With --no-full-gc the heap is read as it is (not after a full collection): a diagnostic for
    // what the harness's own full collections leave behind in the rounds after them.
    boolean fullGc = !flag(args, "--no-full-gc");
    // With --park-warmup N: N calls parked and released before anything is measured, so that the
    // JIT has compiled the park and release paths (parking 10,000 otherwise leaves its one C2
    // thread compiling them for a minute after, measured at a quarter of a core).
    int parkWarmup = Integer.parseInt(arg(args, "--park-warmup", "0"));
    // With --jit-quiet S: before each state's rounds the allowed load goes on through Airlock, 10 s
    // at a time, until its JIT compiler used under 2% of a core in the last 10 s (at most S s
    // more). A diagnostic: parking and releasing start the compiler again, and this rules out its
    // competing with the rounds (on 2026-12-02 the p99 was no better with it, docs/benchmarks.md).
    int jitQuiet = Integer.parseInt(arg(args, "--jit-quiet", "0"));
    // With --upstream-in-harness the upstream runs on the load generator's own Vert.x instance, as
    // it did until 2026-12-02 17:45 UTC: a direct call then never leaves the harness's process
    // (see UpstreamProcess and docs/benchmarks.md).
    boolean upstreamInHarness = flag(args, "--upstream-in-harness");
    // With --infrastructure-in-harness PostgreSQL's launcher and the Kafka broker run in the load
    // generator's JVM, as they did until 2026-12-02 20:23 UTC (see InfrastructureProcess).
    BenchCluster.Infrastructure infrastructure =
        flag(args, "--infrastructure-in-harness")
            ? BenchCluster.Infrastructure.IN_HARNESS
            : BenchCluster.Infrastructure.OWN_PROCESS;
    String trace = arg(args, "--trace", null);
    if (trace != null) {
      RelayLoadBench.traceTo(Path.of(trace));
    }
    List<String> report = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    ParkedAgentsProcess agents = null;
    try (HeldCallsUpstream upstream =
            upstreamInHarness ? new BenchUpstream(vertx) : UpstreamProcess.start();
        BenchCluster cluster =
            new BenchCluster("parked", upstream.url(), 1, Map.of(), infrastructure)) {
      String gateway = cluster.mcpUrl(0);
      String base = cluster.replica(0).baseUrl();
      long pid = cluster.replica(0).pid();
      // Airlock's process only: in a direct round its CPU is what it does meanwhile (holding
      // calls), in an Airlock round that plus the allowed calls.
      RelayLoadBench.measureCpuOf(new ProcessCpu(List.of(pid)));
      Measure measure =
          new Measure(
              vertx,
              upstream.url(),
              gateway,
              rate,
              seconds,
              rounds,
              slices,
              sliceMillis,
              checkpoint ? cluster : null,
              new JitActivity(pid),
              jitQuiet,
              report);
      List<AlternatingRounds> load = new ArrayList<>();
      List<InterleavedSlices> interleaved = new ArrayList<>();
      List<String> states = new ArrayList<>();

      // 1. The same load with nothing parked, after a warm-up of both paths: first at full speed
      // so the JIT has compiled the allowed path (RelayLoadBench found it still compiling after a
      // minute at 500/s on 2 cores), then at the measured rate.
      RelayLoadBench.maxRate(vertx, "warm-up", upstream.url(), null, 20, warmup / 2, ALLOWED_CALL);
      RelayLoadBench.maxRate(vertx, "warm-up", gateway, null, 20, warmup / 2, ALLOWED_CALL);
      RelayLoadBench.fixedRate(vertx, "warm-up", upstream.url(), null, rate, 20, 5, ALLOWED_CALL);
      RelayLoadBench.fixedRate(vertx, "warm-up", gateway, null, rate, 20, 10, ALLOWED_CALL);
      if (parkWarmup > 0) {
        report.add(parkAndRelease(gateway, base, parkWarmup, sessions, openConcurrency, parkLimit));
      }
      long heldBefore = upstream.heldCalls();
      // Each state's rounds start as the parked state's do: after the full GC that measures the
      // heap, and the settle. Until 2026-12-02 only the parked rounds did, so the other two states
      // were measured while the young collections still copied what the releases before them had
      // left alive (see docs/benchmarks.md).
      if (!fullGc) {
        report.add("--no-full-gc: the heap figures below are as found, not after a full GC");
      }
      Heap before = heap(pid, base, fullGc);
      report.add("heap after GC, nothing parked: " + before);
      report.add(rest(pid, settleSeconds, "nothing parked"));
      states.add("nothing parked");
      load.add(measure.state(states.get(0)));
      measure.slices(states.get(0)).ifPresent(interleaved::add);

      // 2. Park N calls over `sessions` sessions, from the agents' own process.
      agents = ParkedAgentsProcess.start(gateway, parked, sessions, openConcurrency, parkLimit);
      ParkedAgentsProcess.Parked parkedCalls = agents.parked(parkLimit + 120L);
      long streams = parkedCalls.streams();
      long held = awaitGauge(base, "airlock_parked_calls_held", streams, 60);
      report.add(
          String.format(
              Locale.ROOT,
              "parked: %d requested, %d SSE streams open at the agents (their own process), %d"
                  + " answered otherwise, Airlock holds %d (airlock_parked_calls_held), in %.1f s"
                  + " (%.0f/s)",
              parkedCalls.requested(),
              streams,
              parkedCalls.notHeld(),
              held,
              parkedCalls.seconds(),
              streams / parkedCalls.seconds()));
      Heap parkedHeap = heap(pid, base, fullGc);
      report.add("heap after GC, " + held + " parked: " + parkedHeap);
      report.add("Airlock open file descriptors: " + descriptors(pid));

      // 3. The same load while they are parked.
      report.add(rest(pid, settleSeconds, held + " parked"));
      states.add(held + " parked");
      load.add(measure.state(states.get(1)));
      measure.slices(states.get(1)).ifPresent(interleaved::add);
      report.add("streams still open after the load: " + agents.open());
      Heap afterLoad = heap(pid, base, fullGc);
      report.add("heap after GC, after the load with calls parked: " + afterLoad);

      // 4. Approve them all; every call must reach the upstream and its agent.
      long releaseStart = System.nanoTime();
      int approved = approveAll(base, 360);
      long answered = agents.awaitAnswered(120).withResult();
      double releaseSeconds = (System.nanoTime() - releaseStart) / 1e9;
      report.add(
          String.format(
              Locale.ROOT,
              "released: %d approved, %d agents answered with the upstream's result, upstream"
                  + " received %d held calls, in %.1f s; Airlock holds %d afterwards",
              approved,
              answered,
              upstream.heldCalls() - heldBefore,
              releaseSeconds,
              awaitGauge(base, "airlock_parked_calls_held", 0, 30)));

      // 5. The same load again with nothing parked, the JVM now as warm as in step 3.
      report.add("heap after GC, all released: " + heap(pid, base, fullGc));
      report.add(rest(pid, settleSeconds, "all released"));
      states.add("nothing parked, after the release");
      load.add(measure.state(states.get(2)));
      measure.slices(states.get(2)).ifPresent(interleaved::add);

      System.out.println("| run @" + rate + "/s | calls/s | p50 ms | p99 ms | p99.9 ms | errors |");
      System.out.println("|---|---|---|---|---|---|");
      load.forEach(state -> state.results.forEach(r -> System.out.println(r.row())));
      interleaved.forEach(state -> state.results().forEach(r -> System.out.println(r.row())));
      System.out.println();
      report.forEach(System.out::println);
      for (int i = 0; i < load.size(); i++) {
        load.get(i).summary(states.get(i), rate).forEach(System.out::println);
      }
      for (int i = 0; i < interleaved.size(); i++) {
        System.out.println(interleaved.get(i).summary(states.get(i), rate));
      }
      System.out.println();
      System.out.println("CPU and context switches of Airlock's process per call:");
      RelayLoadBench.cpuPerCall().forEach(System.out::println);
    } finally {
      if (agents != null) {
        agents.close();
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The same allowed load in each state, direct and through Airlock in alternating rounds. */
  private record Measure(
      Vertx vertx,
      String direct,
      String gateway,
      int rate,
      int seconds,
      int rounds,
      int slices,
      int sliceMillis,
      BenchCluster checkpointing,
      JitActivity jit,
      int jitQuietSeconds,
      List<String> report) {

    AlternatingRounds state(String state) throws Exception {
      if (jitQuietSeconds > 0) {
        report.add(
            "before the rounds, "
                + state
                + ": "
                + RelayLoadBench.warmUntilJitQuiet(
                    vertx, jit, gateway, null, rate, 50, jitQuietSeconds, ALLOWED_CALL));
      }
      if (checkpointing != null) {
        checkpointing.checkpoint();
      }
      return AlternatingRounds.run(
          vertx, state, direct, gateway, null, rate, 50, seconds, rounds, ALLOWED_CALL);
    }

    /** The same load in slices alternating between the paths, right after the rounds. */
    Optional<InterleavedSlices> slices(String state) throws Exception {
      if (slices <= 0) {
        return Optional.empty();
      }
      return Optional.of(
          InterleavedSlices.run(
              vertx, state, direct, gateway, null, rate, 50, slices, sliceMillis, ALLOWED_CALL));
    }
  }

  /** The park warm-up: parks calls from a short-lived agents process, approves and awaits them. */
  private static String parkAndRelease(
      String gateway, String base, int calls, int sessions, int openConcurrency, int parkLimit)
      throws Exception {
    long start = System.nanoTime();
    try (ParkedAgentsProcess warm =
        ParkedAgentsProcess.start(gateway, calls, sessions, openConcurrency, parkLimit)) {
      ParkedAgentsProcess.Parked parked = warm.parked(parkLimit + 120L);
      int approved = approveAll(base, 360);
      long answered = warm.awaitAnswered(120).withResult();
      awaitGauge(base, "airlock_parked_calls_held", 0, 30);
      return String.format(
          Locale.ROOT,
          "park warm-up: %d parked (%d streams), %d approved, %d answered, in %.0f s",
          parked.requested(),
          parked.streams(),
          approved,
          answered,
          (System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * A pause before measuring, after the harness's own disturbances (the full GC it asks for to
   * measure the heap, the metrics scrape), which a gateway in service does not have. Reports what
   * Airlock's process cost meanwhile, with no load, as a share of one core: in the parked state,
   * what holding costs on its own (keep-alives, timers, database checks). CPU time does not depend
   * on who else wanted the cores, so it shows that more steadily than a tail latency does.
   */
  private static String rest(long pid, int seconds, String state) throws Exception {
    ProcessCpu airlock = new ProcessCpu(List.of(pid));
    double before = airlock.micros();
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    double micros = airlock.micros() - before;
    double elapsed = (System.nanoTime() - start) / 1e3;
    return String.format(
        Locale.ROOT,
        "Airlock's CPU at rest, %s: %.1f%% of a core over %d s",
        state,
        100 * micros / elapsed,
        seconds);
  }

  /**
   * Approves pending bench calls page by page (1,000 per page) on 8 threads: decisions serialize on
   * the audit chain's lock anyway, and more threads only queue for database connections.
   */
  private static int approveAll(String base, int maxSeconds) throws Exception {
    ReviewerApi api = new ReviewerApi();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    int approved = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    try {
      while (System.nanoTime() < deadline) {
        List<JsonNode> page = api.pending(base, BenchUpstream.HELD, 1000);
        if (page.isEmpty()) {
          break;
        }
        List<Future<ReviewerApi.Decision>> decisions = new ArrayList<>();
        for (JsonNode view : page) {
          String id = view.path("id").asText();
          decisions.add(pool.submit(() -> api.approve(base, id)));
        }
        for (Future<ReviewerApi.Decision> decision : decisions) {
          if (decision.get(60, TimeUnit.SECONDS).status() == 200) {
            approved++;
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return approved;
  }

  /** Used heap after a full GC, from the JVM itself and from Airlock's metrics. */
  record Heap(long jcmdUsedKb, long metricsUsedBytes, String jcmdLine) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%.1f MiB used (jcmd GC.heap_info: %s), %.1f MiB (jvm_memory_used_bytes{area=heap})",
          jcmdUsedKb / 1024.0,
          jcmdLine,
          metricsUsedBytes / 1048576.0);
    }
  }

  private static Heap heap(long pid, String base, boolean fullGc) throws Exception {
    if (fullGc) {
      jcmd(pid, "GC.run");
    }
    String info = jcmd(pid, "GC.heap_info");
    String line = info.lines().filter(l -> l.contains("used")).findFirst().orElse("?").trim();
    Matcher used = Pattern.compile("used (\\d+)K").matcher(line);
    long kb = used.find() ? Long.parseLong(used.group(1)) : -1;
    double bytes = 0;
    for (String metric : metrics(base).lines().toList()) {
      if (metric.startsWith("jvm_memory_used_bytes{") && metric.contains("area=\"heap\"")) {
        bytes += Double.parseDouble(metric.substring(metric.lastIndexOf(' ') + 1));
      }
    }
    return new Heap(kb, (long) bytes, line);
  }

  private static String jcmd(long pid, String command) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    return out;
  }

  private static long descriptors(long pid) {
    String[] fds = Path.of("/proc", Long.toString(pid), "fd").toFile().list();
    return fds == null ? -1 : fds.length;
  }

  private static String metrics(String base) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(base + "/q/metrics"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Waits (bounded) until a gauge reaches a value; returns the last value read. */
  private static long awaitGauge(String base, String name, long expected, int maxSeconds)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    long value = -1;
    List<String> read = List.of();
    while (System.nanoTime() < deadline) {
      read =
          metrics(base)
              .lines()
              .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
              .toList();
      for (String line : read) {
        value = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
      if (value == expected) {
        return value;
      }
      Thread.sleep(500);
    }
    // A NaN reads as 0 above: show what the endpoint said (once, 2026-12-07, this read 0 while
    // 10,000 calls were held).
    System.err.printf(
        Locale.ROOT, "%s: expected %d, the last scrape said %s%n", name, expected, read);
    return value;
  }

  private static boolean flag(String[] args, String name) {
    return Arrays.asList(args).contains(name);
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
