package dev.airlock.bench;

import dev.airlock.embedded.EmbeddedPostgres;
import dev.airlock.limits.PostgresRateLimitStore;
import dev.airlock.policy.LimitRule;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The rate-limit check with its shared PostgreSQL store at a fixed rate (default 1,000 checks/s),
 * beside the same loop without the check, in one run. Latency is from the intended start.
 *
 * <p>Usage: {@code RateLimitBench [--rate 1000] [--seconds 20]}
 */
public final class RateLimitBench {

  public static void main(String[] args) throws Exception {
    int rate = Integer.parseInt(arg(args, "--rate", "1000"));
    int seconds = Integer.parseInt(arg(args, "--seconds", "20"));
    Path dir = Files.createTempDirectory(Path.of("target"), "bench-pg-");
    try (EmbeddedPostgres postgres = new EmbeddedPostgres(dir.resolve("postgres"), 0).start()) {
      PGSimpleDataSource dataSource = new PGSimpleDataSource();
      dataSource.setURL(postgres.jdbcUrl());
      dataSource.setUser(postgres.username());
      dataSource.setPassword(postgres.password());
      try (Connection c = dataSource.getConnection()) {
        String ddl =
            Files.readString(
                Path.of("src/main/resources/db/migration/V200__grants_and_limits.sql"));
        c.createStatement().execute(ddl);
      }
      // Pooled like the application's datasource (Agroal, 16 connections).
      AgroalDataSource pool =
          AgroalDataSource.from(
              new AgroalDataSourceConfigurationSupplier()
                  .connectionPoolConfiguration(
                      cp ->
                          cp.maxSize(16)
                              .minSize(16)
                              .connectionFactoryConfiguration(
                                  cf ->
                                      cf.jdbcUrl(postgres.jdbcUrl())
                                          .principal(new NamePrincipal(postgres.username()))
                                          .credential(new SimplePassword(postgres.password())))));
      PostgresRateLimitStore store = new PostgresRateLimitStore(pool);
      LimitRule limit =
          new LimitRule("bench", Duration.ofMinutes(1), Long.MAX_VALUE / 2, LimitRule.Scope.GRANT);
      ExecutorService workers = Executors.newFixedThreadPool(16);
      run(
          "warm-up",
          workers,
          rate,
          5,
          () -> store.tryAcquire(List.of(limit), List.of("grant:warm"), Instant.now()));
      Histogram baseline = run("baseline (no check)", workers, rate, seconds, () -> null);
      Histogram checked =
          run(
              "rate-limit check",
              workers,
              rate,
              seconds,
              () ->
                  store.tryAcquire(
                      List.of(limit),
                      List.of("grant:g" + (System.nanoTime() % 50)),
                      Instant.now()));
      System.out.println("| run | p50 ms | p99 ms | p99.9 ms |");
      System.out.println("|---|---|---|---|");
      print("baseline (no check)", baseline);
      print("rate-limit check (PostgreSQL)", checked);
      System.out.printf(
          Locale.ROOT,
          "%nAdded by the check at %d/s: p50 %+.3f ms, p99 %+.3f ms%n",
          rate,
          (checked.getValueAtPercentile(50) - baseline.getValueAtPercentile(50)) / 1000.0,
          (checked.getValueAtPercentile(99) - baseline.getValueAtPercentile(99)) / 1000.0);
      workers.shutdownNow();
    }
  }

  private static Histogram run(
      String name, ExecutorService workers, int rate, int seconds, Callable<?> work)
      throws Exception {
    Histogram histogram = new Histogram(60_000_000L, 3);
    long total = (long) rate * seconds;
    CountDownLatch done = new CountDownLatch((int) total);
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime();
    for (long i = 0; i < total; i++) {
      long intended = start + i * interval;
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      workers.execute(
          () -> {
            try {
              work.call();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            } finally {
              synchronized (histogram) {
                histogram.recordValue(Math.max(1, (System.nanoTime() - intended) / 1000));
              }
              done.countDown();
            }
          });
    }
    if (!done.await(seconds + 60L, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " did not finish");
    }
    return histogram;
  }

  private static void print(String name, Histogram h) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %.3f | %.3f | %.3f |%n",
        name,
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0);
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
