package dev.airlock.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The hash-chained audit trail in PostgreSQL. Decisions append synchronously inside their own
 * transaction. Calls go through a group-commit writer: an intent before the call is forwarded, its
 * event (which settles the intent) before the agent gets the answer. When the database cannot take
 * a batch, the batch goes to the local {@link AuditSpool} and is replayed later (see
 * docs/audit.md).
 */
@ApplicationScoped
public class AuditLog implements AuditTrail {

  private static final Logger LOG = Logger.getLogger(AuditLog.class);
  private static final int MAX_BATCH = 500;

  private record Pending(AuditWrite write, CompletableFuture<Void> done) {}

  private final AgroalDataSource dataSource;
  private final AuditSpool spool;
  private final MeterRegistry metrics;
  private final ChainAppend chain;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(100_000);
  // Intents that went to the spool: their events must follow them there, or a replayed intent
  // would outlive its settled event and be reported as lost.
  private final Set<String> spooledIntents = ConcurrentHashMap.newKeySet();
  private volatile Thread writer;
  private volatile boolean stopping;
  private volatile boolean databaseDown;

  @Inject
  public AuditLog(
      AgroalDataSource dataSource, ObjectMapper json, AuditSpool spool, MeterRegistry metrics) {
    this.dataSource = dataSource;
    this.spool = spool;
    this.metrics = metrics;
    this.chain = new ChainAppend(json);
  }

  @Override
  @Transactional
  public void append(AuditEntry entry) {
    try (Connection connection = dataSource.getConnection()) {
      chain.append(connection, List.of(entry));
    } catch (SQLException e) {
      throw new IllegalStateException("audit trail unavailable: " + e.getMessage(), e);
    }
  }

  @Override
  public CompletionStage<Void> appendAsync(AuditEntry entry) {
    return enqueue(new AuditWrite.Event(entry, null));
  }

  @Override
  public CompletionStage<Void> appendAsync(AuditEntry entry, String settlesIntent) {
    return enqueue(new AuditWrite.Event(entry, settlesIntent));
  }

  @Override
  public CompletionStage<Void> recordIntent(String intentId, AuditEntry ifLost) {
    return enqueue(new AuditWrite.Intent(intentId, Instant.now(), ifLost));
  }

  private CompletionStage<Void> enqueue(AuditWrite write) {
    startWriter();
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!queue.offer(new Pending(write, done))) {
      done.completeExceptionally(new IllegalStateException("audit queue full"));
    }
    return done;
  }

  private synchronized void startWriter() {
    if (writer == null) {
      writer = new Thread(this::drain, "audit-writer");
      writer.setDaemon(true);
      writer.start();
    }
  }

  /** Group commit: whatever queued while the last batch was written goes in the next one. */
  private void drain() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (!stopping || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        writeBatch(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void writeBatch(List<Pending> batch) {
    List<AuditWrite> toDatabase = new ArrayList<>(batch.size());
    List<AuditWrite> toSpool = new ArrayList<>();
    for (Pending pending : batch) {
      if (pending.write() instanceof AuditWrite.Event event
          && event.settles() != null
          && spooledIntents.remove(event.settles())) {
        toSpool.add(event);
      } else {
        toDatabase.add(pending.write());
      }
    }
    if (!toDatabase.isEmpty()) {
      try {
        writeToDatabase(toDatabase);
        if (databaseDown) {
          databaseDown = false;
          LOG.info("Audit trail: the database takes writes again");
        }
      } catch (SQLException | RuntimeException e) {
        if (!databaseDown) {
          databaseDown = true;
          LOG.errorf(
              "Audit trail: the database refused a batch (%s); events go to the local spool until"
                  + " it is back",
              e.getMessage());
        }
        toSpool.addAll(toDatabase);
      }
    }
    if (!toSpool.isEmpty()) {
      try {
        spool.keep(toSpool);
        metrics.counter("airlock_audit_spooled_writes").increment(toSpool.size());
        toSpool.stream()
            .filter(AuditWrite.Intent.class::isInstance)
            .forEach(w -> spooledIntents.add(((AuditWrite.Intent) w).id()));
      } catch (RuntimeException e) {
        LOG.errorf("Audit trail: %d events could not be written anywhere: %s", toSpool.size(), e);
        for (Pending pending : batch) {
          if (toSpool.contains(pending.write())) {
            pending.done().completeExceptionally(e);
          } else {
            pending.done().complete(null);
          }
        }
        return;
      }
    }
    batch.forEach(p -> p.done().complete(null));
  }

  private void writeToDatabase(List<AuditWrite> writes) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        AuditWrite.store(connection, writes, chain);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }

  void stop(@Observes ShutdownEvent event) throws InterruptedException {
    stopping = true;
    Thread running = writer;
    if (running != null) {
      running.join(5000);
    }
  }
}
