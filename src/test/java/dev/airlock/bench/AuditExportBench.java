package dev.airlock.bench;

import dev.airlock.audit.AuditChain;
import dev.airlock.audit.StoredEvent;
import dev.airlock.embedded.EmbeddedPostgres;
import io.agroal.api.AgroalDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Export throughput and heap: streams 100,000 and then 1,000,000 audit events as RFC 4180 CSV to a
 * discarding writer, sampling the used heap meanwhile. Constant memory means the peak does not grow
 * with the number of events.
 *
 * <p>Usage: {@code AuditExportBench [--events 1000000]} (run with -Xmx512m)
 */
public final class AuditExportBench {

  public static void main(String[] args) throws Exception {
    long events =
        Long.parseLong(args.length > 1 && args[0].equals("--events") ? args[1] : "1000000");
    Path dir = Files.createTempDirectory(Path.of("target"), "bench-audit-");
    try (EmbeddedPostgres postgres = new EmbeddedPostgres(dir.resolve("postgres"), 0).start()) {
      AgroalDataSource pool = BenchDatabase.pool(postgres, 4);
      try (Connection c = pool.getConnection()) {
        c.createStatement()
            .execute(Files.readString(Path.of("src/main/resources/db/migration/V300__audit.sql")));
        c.createStatement()
            .execute(
                "insert into audit_event (id, at, kind, decision_id, agent, grant_id, owner, session_id, upstream, tool, args_digest, args,"
                    + " policy_version, rule_id, decision, reason, channel, upstream_ms, outcome, prev_hash, hash)"
                    + " select md5(g::text), now() - (g || ' ms')::interval, 'call', md5(g::text), 'agent-' || (g % 20), 'grant', 'owner',"
                    + " 's-' || (g % 500), 'healthomics', 'ListAHORuns', md5(g::text) || md5(g::text), '{\"maxResults\":' || (g % 100) || ',\"note\":\"a, \\\"quoted\\\" value\"}',"
                    + " md5('p') || md5('p'), 'tools.ListAHORuns', 'allow', null, null, 3, 'ok', md5((g-1)::text) || md5((g-1)::text), md5(g::text) || md5(g::text)"
                    + " from generate_series(1, "
                    + events
                    + ") g");
      }
      AuditChain chain = new AuditChain(pool);
      System.out.println(
          "| events exported | events/s | peak heap used during export (MiB) | heap before (MiB) |");
      System.out.println("|---|---|---|---|");
      export(chain, new AuditChain.Filter(null, null, "agent-1", null, null)); // warm-up
      export(
          chain,
          new AuditChain.Filter(Instant.now().minusMillis(events / 10), null, null, null, null));
      export(chain, new AuditChain.Filter(null, null, null, null, null));
      pool.close();
    }
  }

  private static void export(AuditChain chain, AuditChain.Filter filter) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long before = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong(before);
    AtomicLong count = new AtomicLong();
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    sampler.start();
    long start = System.nanoTime();
    try (CSVPrinter csv =
        new CSVPrinter(
            Writer.nullWriter(), CSVFormat.RFC4180.builder().setHeader(StoredEvent.HEADER).get())) {
      chain.stream(
          filter,
          event -> {
            try {
              csv.printRecord((Object[]) event.values());
              count.incrementAndGet();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    sampler.interrupt();
    System.out.printf(
        Locale.ROOT,
        "| %,d | %,.0f | %.0f | %.0f |%n",
        count.get(),
        count.get() / seconds,
        peak.get() / 1048576.0,
        before / 1048576.0);
  }
}
