package dev.airlock.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The same fixed-rate load sent directly to the upstream and through Airlock in one run, switching
 * path every slice (one second by default) in the order direct, Airlock, Airlock, direct, … Each
 * path's percentiles are over all of its calls. Rounds of 15 s ({@link AlternatingRounds}) leave
 * each path alone with whatever the host does during its quarter minute; on two shared cores that
 * swings a round's p99 by several milliseconds either way. Slices give both paths the same host,
 * second by second, and the p99 of 22,500 calls instead of the median of three of 7,500.
 */
final class InterleavedSlices {

  private final RelayLoadBench.Result direct;
  private final RelayLoadBench.Result gateway;
  private final RelayLoadBench.Result directSettled;
  private final RelayLoadBench.Result gatewaySettled;

  private InterleavedSlices(Lane direct, Lane gateway, String suffix, double seconds) {
    this.direct = direct.result("direct" + suffix, seconds);
    this.gateway = gateway.result("Airlock" + suffix, seconds);
    this.directSettled = direct.settled("direct" + suffix, seconds);
    this.gatewaySettled = gateway.settled("Airlock" + suffix, seconds);
  }

  /**
   * Sends {@code call} at {@code rate} per second, {@code slicesPerPath} slices of {@code
   * sliceMillis} to each path; latency from each call's intended send time (open loop).
   */
  static InterleavedSlices run(
      Vertx vertx,
      String label,
      String directUrl,
      String gatewayUrl,
      String token,
      int rate,
      int sessions,
      int slicesPerPath,
      int sliceMillis,
      String call)
      throws Exception {
    RelayLoadBench.Target directTarget =
        new RelayLoadBench.Target(vertx, directUrl, null, sessions, call);
    RelayLoadBench.Target gatewayTarget =
        new RelayLoadBench.Target(vertx, gatewayUrl, token, sessions, call);
    try {
      Lane directLane = new Lane(directTarget);
      Lane gatewayLane = new Lane(gatewayTarget);
      int perSlice = Math.max(1, (int) ((long) rate * sliceMillis / 1000));
      long intervalNanos = 1_000_000_000L / rate;
      long sliceNanos = sliceMillis * 1_000_000L;
      int slices = 2 * slicesPerPath;
      CountDownLatch done = new CountDownLatch(slices * perSlice);
      Context context = vertx.getOrCreateContext();
      long start = System.nanoTime();
      Thread scheduler =
          new Thread(
              () -> {
                for (int slice = 0; slice < slices; slice++) {
                  // direct, Airlock, Airlock, direct: neither path always comes first.
                  Lane lane = (slice % 4 == 0 || slice % 4 == 3) ? directLane : gatewayLane;
                  long sliceStart = start + slice * sliceNanos;
                  for (int i = 0; i < perSlice; i++) {
                    long intended = sliceStart + i * intervalNanos;
                    long wait = intended - System.nanoTime();
                    if (wait > 0) {
                      LockSupport.parkNanos(wait);
                    }
                    // The first tenth of a slice follows a second in which this path was idle.
                    boolean settled = i >= perSlice / 10;
                    context.runOnContext(v -> lane.send(intended, settled, done));
                  }
                }
              },
              "interleaved-slices");
      scheduler.start();
      long seconds = (long) slices * sliceMillis / 1000;
      if (!done.await(seconds + 60L, TimeUnit.SECONDS)) {
        throw new IllegalStateException("interleaved calls did not finish in time");
      }
      String suffix =
          " @" + rate + "/s, " + sliceMillis + " ms slices" + (label.isEmpty() ? "" : ", " + label);
      double perPathSeconds = (double) slicesPerPath * sliceMillis / 1000;
      return new InterleavedSlices(directLane, gatewayLane, suffix, perPathSeconds);
    } finally {
      directTarget.close();
      gatewayTarget.close();
    }
  }

  List<RelayLoadBench.Result> results() {
    return List.of(direct, gateway);
  }

  /** What Airlock added to the direct path, over all the calls of each. */
  AlternatingRounds.Added added() {
    return AlternatingRounds.Added.between(gateway, direct);
  }

  /**
   * The same without the first tenth of each slice, which follows a second in which that path was
   * idle (its threads and its database connections asleep): what the slices may cost a path.
   */
  AlternatingRounds.Added addedAfterFirstTenth() {
    return AlternatingRounds.Added.between(gatewaySettled, directSettled);
  }

  String summary(String state, int rate) {
    return String.format(
        Locale.ROOT,
        "Added by Airlock at %d calls/s%s, interleaved slices (%,d and %,d calls): %s; without"
            + " the first tenth of each slice: %s",
        rate,
        state.isEmpty() ? "" : " (" + state + ")",
        direct.calls(),
        gateway.calls(),
        added().describe(),
        addedAfterFirstTenth().describe());
  }

  /** One path's sessions, round-robin, and what its calls measured. */
  private static final class Lane {
    private final RelayLoadBench.Target target;
    private final Histogram latency = new Histogram(60_000_000L, 3);
    private final Histogram afterFirstTenth = new Histogram(60_000_000L, 3);
    private final AtomicLong errors = new AtomicLong();
    private long next;

    Lane(RelayLoadBench.Target target) {
      this.target = target;
    }

    // Runs on the one event loop of the run's context, so `next` needs no lock.
    void send(long intended, boolean settled, CountDownLatch done) {
      String session = target.sessions.get((int) (next++ % target.sessions.size()));
      target.call(
          session,
          () -> {
            long us = Math.max(1, (System.nanoTime() - intended) / 1000);
            synchronized (latency) {
              latency.recordValue(us);
              if (settled) {
                afterFirstTenth.recordValue(us);
              }
            }
            done.countDown();
          },
          () -> {
            errors.incrementAndGet();
            done.countDown();
          });
    }

    RelayLoadBench.Result result(String name, double seconds) {
      synchronized (latency) {
        return new RelayLoadBench.Result(
            name, latency.getTotalCount(), errors.get(), seconds, latency.copy());
      }
    }

    RelayLoadBench.Result settled(String name, double seconds) {
      synchronized (latency) {
        return new RelayLoadBench.Result(
            name + ", after the first tenth of each slice",
            afterFirstTenth.getTotalCount(),
            0,
            seconds * 0.9,
            afterFirstTenth.copy());
      }
    }
  }
}
