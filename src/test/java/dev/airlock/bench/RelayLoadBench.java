package dev.airlock.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * Load harness: {@code tools/call} over Streamable HTTP to the demo upstream directly and through
 * Airlock, in the same run, at a fixed open-loop rate (latency measured from the intended send
 * time, so a stall is not hidden) and then as fast as the sessions can go.
 *
 * <p>Usage: {@code RelayLoadBench --direct URL --gateway URL [--token T] [--rate 500] [--sessions
 * 50] [--seconds 20] [--warmup 20] [--jit-quiet PID] [--rounds 1] [--slices 0] [--slice-ms 1000]
 * [--trace FILE] [--cpu-of PID,...]}; see docs/benchmarks.md.
 */
public final class RelayLoadBench {

  record Result(String name, long calls, long errors, double seconds, Histogram latency) {
    double throughput() {
      return calls / seconds;
    }

    String row() {
      return String.format(
          Locale.ROOT,
          "| %s | %,.0f | %.2f | %.2f | %.2f | %d |",
          name,
          throughput(),
          latency.getValueAtPercentile(50) / 1000.0,
          latency.getValueAtPercentile(99) / 1000.0,
          latency.getValueAtPercentile(99.9) / 1000.0,
          errors);
    }
  }

  private static final String CALL =
      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"ListAHORuns\",\"arguments\":{\"maxResults\":3}}}";

  public static void main(String[] args) throws Exception {
    String direct = arg(args, "--direct", "http://127.0.0.1:8091/mcp");
    String gateway = arg(args, "--gateway", "http://127.0.0.1:8080/mcp/healthomics");
    String token = arg(args, "--token", null);
    int rate = Integer.parseInt(arg(args, "--rate", "500"));
    int sessions = Integer.parseInt(arg(args, "--sessions", "50"));
    int seconds = Integer.parseInt(arg(args, "--seconds", "20"));
    int warmup = Integer.parseInt(arg(args, "--warmup", "20"));
    int roundCount = Integer.parseInt(arg(args, "--rounds", "1"));
    // With --slices N: after the rounds, N slices of --slice-ms per path, alternating between the
    // two paths (InterleavedSlices).
    int slices = Integer.parseInt(arg(args, "--slices", "0"));
    int sliceMillis = Integer.parseInt(arg(args, "--slice-ms", "1000"));
    String trace = arg(args, "--trace", null);
    tracePath = trace == null ? null : Path.of(trace);
    String cpuOf = arg(args, "--cpu-of", null);
    String jitQuiet = arg(args, "--jit-quiet", null);
    cpu = cpuOf == null ? null : ProcessCpu.parse(cpuOf);
    Vertx vertx = Vertx.vertx();
    try {
      List<Result> results = new ArrayList<>();
      // Warm up both paths until the JIT has compiled them (on 2 cores the compiler otherwise
      // competes with the measured calls for a minute), then at the measured rate; then measure
      // them alternately in one run.
      maxRate(vertx, "warm-up direct", direct, null, sessions, warmup / 2);
      maxRate(vertx, "warm-up gateway", gateway, token, sessions, warmup / 2);
      // The fixed-rate warm-up is as long as the full-speed one: one call at a time takes other
      // branches (group commits of one write, not hundreds), and a flight recording showed the JIT
      // compiler using 60-85% of a core through the first measured round after 5 s of it.
      fixedRate(vertx, "warm-up direct", direct, null, rate, sessions, 5);
      fixedRate(vertx, "warm-up gateway", gateway, token, rate, sessions, Math.max(5, warmup / 2));
      if (jitQuiet != null) {
        System.out.println(
            "warm-up: "
                + warmUntilJitQuiet(
                    vertx,
                    new JitActivity(Long.parseLong(jitQuiet)),
                    gateway,
                    token,
                    rate,
                    sessions,
                    warmup,
                    CALL));
      }
      AlternatingRounds rounds =
          AlternatingRounds.run(
              vertx, "", direct, gateway, token, rate, sessions, seconds, roundCount, CALL);
      results.addAll(rounds.results);
      InterleavedSlices interleaved =
          slices > 0
              ? InterleavedSlices.run(
                  vertx, "", direct, gateway, token, rate, sessions, slices, sliceMillis, CALL)
              : null;
      if (interleaved != null) {
        results.addAll(interleaved.results());
      }
      results.add(maxRate(vertx, "direct max", direct, null, sessions, seconds / 2));
      results.add(maxRate(vertx, "Airlock max", gateway, token, sessions, seconds / 2));
      System.out.println("| run | calls/s | p50 ms | p99 ms | p99.9 ms | errors |");
      System.out.println("|---|---|---|---|---|---|");
      results.forEach(r -> System.out.println(r.row()));
      System.out.println();
      rounds.summary("", rate).forEach(System.out::println);
      if (interleaved != null) {
        System.out.println(interleaved.summary("", rate));
      }
      if (cpu != null) {
        System.out.println();
        System.out.println(
            "CPU and context switches of processes " + cpuOf + " and their children, per call:");
        CPU_LINES.forEach(System.out::println);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  // With --jit-quiet PID: the fixed-rate warm-up goes on, in slices, until that JVM's compiler
  // threads used under 2% of a core in the last slice, for at most --warmup seconds more.
  private static final int JIT_SLICE_SECONDS = 10;
  private static final double JIT_QUIET_SHARE = 0.02;

  /**
   * Sends {@code call} through the gateway at the fixed rate, {@value #JIT_SLICE_SECONDS} s at a
   * time, until the compiler used under 2% of a core in a slice or {@code maxExtraSeconds} have
   * passed; says how long it took and where the compiler ended.
   */
  static String warmUntilJitQuiet(
      Vertx vertx,
      JitActivity jit,
      String gateway,
      String token,
      int rate,
      int sessions,
      int maxExtraSeconds,
      String call)
      throws Exception {
    double share = Double.NaN;
    int extra = 0;
    while (extra < Math.max(JIT_SLICE_SECONDS, maxExtraSeconds)) {
      double before = jit.millis();
      fixedRate(vertx, "warm-up gateway", gateway, token, rate, sessions, JIT_SLICE_SECONDS, call);
      extra += JIT_SLICE_SECONDS;
      share = (jit.millis() - before) / (JIT_SLICE_SECONDS * 1000.0);
      if (share < JIT_QUIET_SHARE) {
        break;
      }
    }
    return String.format(
        Locale.ROOT,
        "%d s more at the fixed rate; the JIT compiler used %.1f%% of a core in the last %d s",
        extra,
        share * 100,
        JIT_SLICE_SECONDS);
  }

  // With --trace FILE: each fixed-rate call as "run,completed epoch ms,latency µs", to line slow
  // calls up with what else happened then (a GC log with wall-clock time, a scheduled job).
  private static Path tracePath;

  /** Other harnesses built on this generator trace their fixed-rate runs the same way. */
  static void traceTo(Path file) {
    tracePath = file;
  }

  private static final StringBuilder TRACE = new StringBuilder();

  // With --cpu-of PIDS: the CPU those processes used per call in each fixed-rate run (Airlock's
  // own cost per call is the difference between its runs and the direct ones, whose upstream may
  // live in the same process), and their threads' context switches per call (the hand-offs
  // between threads and processes a call costs).
  private static ProcessCpu cpu;
  private static final List<String> CPU_LINES = new ArrayList<>();

  /**
   * From now on each fixed-rate run also reports the CPU these processes used per call, and their
   * threads' context switches per call.
   */
  static void measureCpuOf(ProcessCpu processes) {
    cpu = processes;
  }

  /**
   * A line per fixed-rate run since {@link #measureCpuOf}: its name, the CPU and the context
   * switches per call.
   */
  static List<String> cpuPerCall() {
    return List.copyOf(CPU_LINES);
  }

  // The threads that switched at least once per 10 calls, most first: 4.0 on the event loops and
  // 2.0 on the intent writer says where a call's hand-offs are. The pre-empted ones are those the
  // kernel caused (a core wanted elsewhere), not the call's own waits.
  private static String cpuLine(
      String name, long calls, double micros, Map<Long, ProcessCpu.ThreadSwitches> before)
      throws IOException {
    double perCall = Math.max(1, calls);
    Map<String, ProcessCpu.Switches> byName = cpu.contextSwitchesByNameSince(before);
    ProcessCpu.Switches total =
        byName.values().stream().reduce(new ProcessCpu.Switches(0, 0), ProcessCpu.Switches::plus);
    String threads =
        byName.entrySet().stream()
            .filter(thread -> thread.getValue().all() / perCall >= 0.1)
            .sorted(
                Comparator.comparingLong(
                        (Map.Entry<String, ProcessCpu.Switches> thread) -> thread.getValue().all())
                    .reversed())
            .map(thread -> share(thread.getKey(), thread.getValue(), perCall))
            .collect(Collectors.joining(", "));
    return String.format(
        Locale.ROOT,
        "- %s: %.0f µs, %.1f context switches, %.2f of them pre-empted%s",
        name,
        micros / perCall,
        total.all() / perCall,
        total.preempted() / perCall,
        threads.isEmpty() ? "" : " (" + threads + ")");
  }

  private static String share(String thread, ProcessCpu.Switches switches, double perCall) {
    String all = String.format(Locale.ROOT, "%s %.1f", thread, switches.all() / perCall);
    if (switches.preempted() / perCall < 0.05) {
      return all;
    }
    return String.format(
        Locale.ROOT, "%s of which %.1f pre-empted", all, switches.preempted() / perCall);
  }

  /** Sessions each initialized once; calls spread round-robin, sent on schedule. */
  static Result fixedRate(
      Vertx vertx, String name, String url, String token, int rate, int sessions, int seconds)
      throws Exception {
    return fixedRate(vertx, name, url, token, rate, sessions, seconds, CALL);
  }

  /** The same, sending {@code call} (a {@code tools/call} request body) instead. */
  static Result fixedRate(
      Vertx vertx,
      String name,
      String url,
      String token,
      int rate,
      int sessions,
      int seconds,
      String call)
      throws Exception {
    Target target = new Target(vertx, url, token, sessions, call);
    Histogram histogram = new Histogram(60_000_000L, 3);
    AtomicLong errors = new AtomicLong();
    long total = (long) rate * seconds;
    CountDownLatch done = new CountDownLatch((int) total);
    long intervalNanos = 1_000_000_000L / rate;
    Context context = vertx.getOrCreateContext();
    double cpuBefore = cpu == null ? 0 : cpu.micros();
    Map<Long, ProcessCpu.ThreadSwitches> switchesBefore =
        cpu == null ? Map.of() : cpu.contextSwitches();
    long start = System.nanoTime();
    Thread scheduler =
        new Thread(
            () -> {
              for (long i = 0; i < total; i++) {
                long intended = start + i * intervalNanos;
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                  LockSupport.parkNanos(wait);
                }
                String session = target.sessions.get((int) (i % sessions));
                // Sent from an event loop: a request started on this plain thread had its
                // response's continuation run elsewhere, and a fast answer could end before its
                // body was read (counted as an empty HTTP 200 on the direct path).
                context.runOnContext(
                    v ->
                        target.call(
                            session,
                            () -> {
                              long us = Math.max(1, (System.nanoTime() - intended) / 1000);
                              synchronized (histogram) {
                                histogram.recordValue(us);
                                if (tracePath != null) {
                                  TRACE
                                      .append(name)
                                      .append(',')
                                      .append(System.currentTimeMillis())
                                      .append(',')
                                      .append(us)
                                      .append('\n');
                                }
                              }
                              done.countDown();
                            },
                            () -> {
                              errors.incrementAndGet();
                              done.countDown();
                            }));
              }
            });
    scheduler.start();
    if (!done.await(seconds + 60L, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + ": calls did not finish in time");
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (cpu != null) {
      CPU_LINES.add(cpuLine(name, total, cpu.micros() - cpuBefore, switchesBefore));
    }
    if (tracePath != null) {
      // Runs follow one another, and every call of this one has counted down: no append races.
      Files.writeString(tracePath, TRACE);
    }
    target.close();
    return new Result(name, total - errors.get(), errors.get(), elapsed, histogram);
  }

  /** Each session sends its next call as soon as the previous answered (closed loop). */
  static Result maxRate(
      Vertx vertx, String name, String url, String token, int sessions, int seconds)
      throws Exception {
    return maxRate(vertx, name, url, token, sessions, seconds, CALL);
  }

  /** As fast as the sessions can go, each sending its next call when the last one answered. */
  static Result maxRate(
      Vertx vertx, String name, String url, String token, int sessions, int seconds, String call)
      throws Exception {
    Target target = new Target(vertx, url, token, sessions, call);
    Histogram histogram = new Histogram(60_000_000L, 3);
    AtomicLong calls = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    CountDownLatch done = new CountDownLatch(sessions);
    long start = System.nanoTime();
    for (String session : target.sessions) {
      loop(target, session, end, histogram, calls, errors, done);
    }
    done.await(seconds + 60L, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    target.close();
    return new Result(name, calls.get(), errors.get(), elapsed, histogram);
  }

  private static void loop(
      Target target,
      String session,
      long end,
      Histogram histogram,
      AtomicLong calls,
      AtomicLong errors,
      CountDownLatch done) {
    if (System.nanoTime() >= end) {
      done.countDown();
      return;
    }
    long sent = System.nanoTime();
    target.call(
        session,
        () -> {
          synchronized (histogram) {
            histogram.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
          }
          calls.incrementAndGet();
          loop(target, session, end, histogram, calls, errors, done);
        },
        () -> {
          errors.incrementAndGet();
          loop(target, session, end, histogram, calls, errors, done);
        });
  }

  /** An MCP endpoint with N initialized sessions. */
  static final class Target {
    final HttpClient client;
    final String url;
    final String token;
    final String callBody;
    final List<String> sessions = new ArrayList<>();
    final AtomicLong reported = new AtomicLong();

    Target(Vertx vertx, String url, String token, int count, String callBody) throws Exception {
      this.url = url;
      this.token = token;
      this.callBody = callBody;
      this.client =
          vertx.createHttpClient(
              new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
              new PoolOptions().setHttp1MaxSize(count));
      for (int i = 0; i < count; i++) {
        sessions.add(initialize());
      }
    }

    private String initialize() throws Exception {
      return McpSessions.open(client, url, token);
    }

    void call(String session, Runnable ok, Runnable failed) {
      client
          .request(options(session))
          .compose(req -> req.send(Buffer.buffer(callBody)))
          .compose(
              r ->
                  r.body()
                      .map(
                          b -> {
                            boolean answered =
                                r.statusCode() == 200 && b.toString().contains("\"result\"");
                            if (!answered) {
                              report("HTTP " + r.statusCode() + " " + b);
                            }
                            return answered;
                          }))
          .onComplete(
              result -> {
                if (result.succeeded() && result.result()) {
                  ok.run();
                } else {
                  if (result.failed()) {
                    report(String.valueOf(result.cause()));
                  }
                  failed.run();
                }
              });
    }

    /** The first few failures are printed, so an error count can be explained. */
    private void report(String what) {
      if (reported.getAndIncrement() < 3) {
        System.err.println(url + ": call not answered with a result: " + what);
      }
    }

    private RequestOptions options(String session) {
      return McpSessions.post(url, token, session);
    }

    void close() {
      client.close();
    }
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
