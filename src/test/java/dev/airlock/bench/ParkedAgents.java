package dev.airlock.bench;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agents of {@link ParkedCapacityBench}, in a process of their own as agents are in service:
 * they open MCP sessions, send N held calls and keep each SSE response stream open until answered.
 * Held in the harness's own JVM, their 10,000 connections put 15-67 ms collections into the load
 * generator, the upstream and the broker, in whichever round they fell.
 *
 * <p>Driven over standard input and output, one line each: it parks on start and prints {@code
 * parked <requested> <streams> <notHeld> <seconds>}; {@code open} prints the number of calls not
 * answered yet; {@code await <seconds>} waits (bounded) until every call is answered and prints
 * {@code answered <with the upstream's result> <still open>}. End of input ends it.
 */
public final class ParkedAgents {

  private ParkedAgents() {}

  public static void main(String[] args) throws Exception {
    String gateway = args[0];
    int parked = Integer.parseInt(args[1]);
    int sessions = Integer.parseInt(args[2]);
    int openConcurrency = Integer.parseInt(args[3]);
    int parkLimitSeconds = Integer.parseInt(args[4]);
    Vertx vertx = Vertx.vertx();
    try (BenchClient agents = new BenchClient(vertx, gateway, parked + sessions)) {
      List<BenchClient.Call> calls =
          park(agents, parked, sessions, openConcurrency, parkLimitSeconds);
      LineProcess.serve(
          command -> {
            if (command.equals("open")) {
              return "open " + calls.stream().filter(c -> !c.done().isDone()).count();
            }
            if (command.startsWith("await ")) {
              return awaitAnswered(calls, Integer.parseInt(command.substring(6).trim()));
            }
            return null;
          });
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Parks the calls over `sessions` sessions, at most `openConcurrency` being opened at once. */
  private static List<BenchClient.Call> park(
      BenchClient agents, int parked, int sessions, int openConcurrency, int parkLimitSeconds)
      throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      ids.add(agents.initialize());
    }
    List<BenchClient.Call> calls = new ArrayList<>();
    Semaphore opening = new Semaphore(openConcurrency);
    AtomicInteger streams = new AtomicInteger();
    AtomicInteger notHeld = new AtomicInteger();
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(parkLimitSeconds);
    for (int i = 0; i < parked && System.nanoTime() < deadline; i++) {
      if (!opening.tryAcquire(30, TimeUnit.SECONDS)) {
        System.err.println("stopped parking at " + i + ": no stream opened for 30 s");
        break;
      }
      BenchClient.Call call = agents.call(ids.get(i % sessions), BenchUpstream.HELD, "p-" + i);
      call.opened()
          .whenComplete(
              (sse, error) -> {
                if (Boolean.TRUE.equals(sse)) {
                  streams.incrementAndGet();
                } else {
                  notHeld.incrementAndGet();
                }
                // Last: the count below waits for every permit, and must see this call counted.
                opening.release();
              });
      calls.add(call);
    }
    opening.tryAcquire(openConcurrency, 60, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    calls.stream()
        .filter(c -> c.opened().isDone() && !c.streaming())
        .limit(3)
        .forEach(
            c ->
                System.err.println(
                    "not held: "
                        + c.opened().handle((v, e) -> String.valueOf(e)).join()
                        + " "
                        + c.done().handle((v, e) -> v == null ? String.valueOf(e) : v).join()));
    LineProcess.reply(
        String.format(
            Locale.ROOT,
            "parked %d %d %d %.1f",
            calls.size(),
            streams.get(),
            notHeld.get(),
            seconds));
    return calls;
  }

  private static String awaitAnswered(List<BenchClient.Call> calls, int maxSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    while (System.nanoTime() < deadline && calls.stream().anyMatch(c -> !c.done().isDone())) {
      Thread.sleep(200);
    }
    long answered =
        calls.stream()
            .filter(c -> c.done().isDone() && !c.done().isCompletedExceptionally())
            .filter(c -> c.done().join().contains("done " + c.marker()))
            .count();
    long open = calls.stream().filter(c -> !c.done().isDone()).count();
    return "answered " + answered + " " + open;
  }
}
