package dev.airlock.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.airlock.audit.AuditEntry;
import dev.airlock.audit.AuditLog;
import dev.airlock.audit.AuditSpool;
import dev.airlock.embedded.EmbeddedPostgres;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The audit write path's cost per allowed call. An allowed call waits twice for the audit: for its
 * intent before it is forwarded and for its event before the agent is answered. This drives
 * Airlock's {@link AuditLog} (group commit, hash chain) at a fixed rate against real PostgreSQL and
 * reports both waits; the baseline, in the same run and on the same database, is the naive design:
 * one synchronous INSERT and commit per call from a pool of 8 threads.
 *
 * <p>Usage: {@code AuditWriteBench [--seconds 10]}
 */
public final class AuditWriteBench {

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 1 && args[0].equals("--seconds") ? Integer.parseInt(args[1]) : 10;
    Path dir = Files.createTempDirectory(Path.of("target"), "bench-audit-write-");
    try (EmbeddedPostgres postgres = new EmbeddedPostgres(dir.resolve("postgres"), 0).start()) {
      AgroalDataSource pool = BenchDatabase.pool(postgres, 10);
      try (Connection c = pool.getConnection()) {
        for (String migration : new String[] {"V300__audit.sql", "V310__audit_intent.sql"}) {
          c.createStatement()
              .execute(Files.readString(Path.of("src/main/resources/db/migration/" + migration)));
        }
        c.createStatement()
            .execute("create table naive_audit (id varchar(40) primary key, entry text not null)");
      }
      ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
      AuditLog deferred = auditLog(pool, json, dir.resolve("spool-deferred"), false);
      AuditLog flushed = auditLog(pool, json, dir.resolve("spool-flushed"), true);
      System.out.println(
          "| path | calls/s | calls | p50 (ms) | p99 (ms) | p99.9 (ms) | max (ms) |");
      System.out.println("|---|---|---|---|---|---|---|");
      run("warm-up", deferred, json, pool, 500, 3, false);
      run("warm-up", flushed, json, pool, 500, 3, false);
      for (int rate : new int[] {500, 1000}) {
        run(
            "naive: INSERT + commit per call (baseline)",
            deferred,
            json,
            pool,
            rate,
            seconds,
            true);
        run("Airlock, intent flushed before forwarding", flushed, json, pool, rate, seconds, false);
        run(
            "Airlock, intent's flush deferred (default)",
            deferred,
            json,
            pool,
            rate,
            seconds,
            false);
      }
      pool.close();
    }
  }

  private static AuditLog auditLog(
      AgroalDataSource pool, ObjectMapper json, Path spool, boolean intentFlushBeforeForward) {
    return new AuditLog(
        pool,
        json,
        new AuditSpool(spool, json, pool),
        new SimpleMeterRegistry(),
        // Each call here waits for its event too: no linger.
        Duration.ZERO,
        intentFlushBeforeForward);
  }

  private static void run(
      String name,
      AuditLog log,
      ObjectMapper json,
      AgroalDataSource pool,
      int rate,
      int seconds,
      boolean naive)
      throws Exception {
    Histogram total = new ConcurrentHistogram(60_000_000L, 3);
    Histogram intent = new ConcurrentHistogram(60_000_000L, 3);
    AtomicLong errors = new AtomicLong();
    long calls = (long) rate * seconds;
    AtomicLong issued = new AtomicLong();
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicLong finished = new AtomicLong();
    ExecutorService naiveWorkers = Executors.newFixedThreadPool(8);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    ScheduledFuture<?> ticks =
        ticker.scheduleAtFixedRate(
            () -> {
              if (issued.incrementAndGet() > calls) {
                return;
              }
              long start = System.nanoTime();
              AuditEntry entry = entry();
              Runnable finish =
                  () -> {
                    total.recordValue((System.nanoTime() - start) / 1000);
                    if (finished.incrementAndGet() == calls) {
                      done.complete(null);
                    }
                  };
              if (naive) {
                naiveWorkers.execute(
                    () -> {
                      try (Connection c = pool.getConnection();
                          PreparedStatement s =
                              c.prepareStatement(
                                  "insert into naive_audit (id, entry) values (?, ?)")) {
                        s.setString(1, UUID.randomUUID().toString());
                        s.setString(2, json.writeValueAsString(entry));
                        s.executeUpdate();
                      } catch (Exception e) {
                        errors.incrementAndGet();
                      }
                      finish.run();
                    });
              } else {
                String intentId = UUID.randomUUID().toString();
                log.recordIntent(intentId, entry)
                    .thenCompose(
                        v -> {
                          intent.recordValue((System.nanoTime() - start) / 1000);
                          return log.appendAsync(entry, intentId);
                        })
                    .whenComplete(
                        (v, error) -> {
                          if (error != null) {
                            errors.incrementAndGet();
                          }
                          finish.run();
                        });
              }
            },
            0,
            1_000_000 / rate,
            TimeUnit.MICROSECONDS);
    try {
      done.get(seconds + 60L, TimeUnit.SECONDS);
    } finally {
      ticks.cancel(false);
      ticker.shutdownNow();
      naiveWorkers.shutdown();
      naiveWorkers.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (name.equals("warm-up")) {
      return;
    }
    System.out.printf(
        "| %s | %d | %d | %.2f | %.2f | %.2f | %.2f |%n",
        name,
        rate,
        calls - errors.get(),
        total.getValueAtPercentile(50) / 1000.0,
        total.getValueAtPercentile(99) / 1000.0,
        total.getValueAtPercentile(99.9) / 1000.0,
        total.getMaxValue() / 1000.0);
    if (!naive) {
      System.out.printf(
          "| ↳ of which the intent (before forwarding) | %d | | %.2f | %.2f | %.2f | %.2f |%n",
          rate,
          intent.getValueAtPercentile(50) / 1000.0,
          intent.getValueAtPercentile(99) / 1000.0,
          intent.getValueAtPercentile(99.9) / 1000.0,
          intent.getMaxValue() / 1000.0);
    }
  }

  private static AuditEntry entry() {
    return new AuditEntry(
        "call",
        UUID.randomUUID().toString(),
        "agent-1",
        "grant-1",
        "owner@example.org",
        "session-1",
        "healthomics",
        "ListAHORuns",
        "0".repeat(64),
        JsonNodeFactory.instance.objectNode().put("maxResults", 10),
        "p".repeat(64),
        "default",
        "allow",
        null,
        null,
        null,
        null,
        3L,
        "ok",
        null,
        Instant.now());
  }
}
