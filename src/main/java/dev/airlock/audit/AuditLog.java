package dev.airlock.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The hash-chained audit trail in PostgreSQL. Decisions append synchronously inside their own
 * transaction. Calls go through two group-commit writers: one for intents, written before a call is
 * forwarded (on a session of their own, see {@link IntentWriter}), and one for events, which extend
 * the chain under the call's id (an intent whose id is in the chain is settled; {@link
 * AuditIntentRecovery} deletes it later, off every call's path). The intent is on the agent's path,
 * so it never queues behind a chain append (the chain's lock, the last hash, the inserts). When the
 * database cannot take a batch, the batch goes to the local {@link AuditSpool} and is replayed
 * later (see docs/audit.md).
 */
@ApplicationScoped
public class AuditLog implements AuditTrail {

  private static final Logger LOG = Logger.getLogger(AuditLog.class);

  private final AgroalDataSource dataSource;
  private final AuditSpool spool;
  private final MeterRegistry metrics;
  private final ChainAppend chain;
  // Told after each batch of call events commits, so the trail's export follows it closely.
  private final Runnable eventsCommitted;
  // Told the ids of the calls whose events a batch committed: their intents are settled.
  private final Consumer<List<String>> intentsSettled;
  private final IntentWriter intentWriter;
  private final GroupCommit intents =
      new GroupCommit("audit-intent-writer", batch -> writeBatch(batch, this::storeIntents));
  private final GroupCommit events;
  private volatile boolean databaseDown;
  // How long a write waits to be durable, queueing included: the intent's wait is on every
  // forwarded call's path, so operators see a slow database here first.
  private final Timer intentWait;
  private final Timer eventWait;
  // A forwarded call's event, which nobody waits for, lingers for company: kept apart so that
  // "event" stays what an answered call waits for.
  private final Timer settleWait;

  @Inject
  AuditLog(
      AgroalDataSource dataSource,
      ObjectMapper json,
      AuditSpool spool,
      MeterRegistry metrics,
      AuditPublisher publisher,
      AuditIntentRecovery intentRecovery,
      AuditConfig config) {
    this(
        dataSource,
        json,
        spool,
        metrics,
        publisher::committed,
        intentRecovery::settled,
        config.settleLinger(),
        config.intentFlushBeforeForward());
  }

  /**
   * An audit trail whose commits nobody publishes and whose settled intents stay in their table
   * (benchmarks of the write path).
   */
  public AuditLog(
      AgroalDataSource dataSource,
      ObjectMapper json,
      AuditSpool spool,
      MeterRegistry metrics,
      Duration settleLinger,
      boolean intentFlushBeforeForward) {
    this(
        dataSource,
        json,
        spool,
        metrics,
        () -> {},
        ids -> {},
        settleLinger,
        intentFlushBeforeForward);
  }

  private AuditLog(
      AgroalDataSource dataSource,
      ObjectMapper json,
      AuditSpool spool,
      MeterRegistry metrics,
      Runnable eventsCommitted,
      Consumer<List<String>> intentsSettled,
      Duration settleLinger,
      boolean intentFlushBeforeForward) {
    this.dataSource = dataSource;
    this.events =
        new GroupCommit(
            "audit-writer", settleLinger, batch -> writeBatch(batch, this::storeEvents));
    this.eventsCommitted = eventsCommitted;
    this.intentsSettled = intentsSettled;
    this.spool = spool;
    this.metrics = metrics;
    this.chain = new ChainAppend(json);
    this.intentWriter = new IntentWriter(dataSource, chain, intentFlushBeforeForward);
    this.intentWait = waitTimer(metrics, "intent");
    this.eventWait = waitTimer(metrics, "event");
    this.settleWait = waitTimer(metrics, "settle");
  }

  private static Timer waitTimer(MeterRegistry metrics, String write) {
    return Timer.builder("airlock_audit_write_wait")
        .tag("write", write)
        .publishPercentileHistogram()
        .register(metrics);
  }

  private static CompletionStage<Void> timed(CompletionStage<Void> write, Timer timer) {
    long start = System.nanoTime();
    return write.whenComplete(
        (done, failed) -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
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
    return timed(events.enqueue(new AuditWrite.Event(entry, null)), eventWait);
  }

  @Override
  public CompletionStage<Void> appendAsync(AuditEntry entry, String callId) {
    return timed(events.enqueue(new AuditWrite.Event(entry, callId)), eventWait);
  }

  @Override
  public CompletionStage<Void> settleLater(AuditEntry entry, String callId) {
    return timed(events.enqueueUnawaited(new AuditWrite.Event(entry, callId)), settleWait);
  }

  @Override
  public CompletionStage<Void> recordIntent(String intentId, AuditEntry ifLost) {
    return timed(
        intents.enqueue(new AuditWrite.Intent(intentId, Instant.now(), ifLost)), intentWait);
  }

  // Both writers run this. An intent and its event may land in different places (one in the
  // spool, one in the database): an intent is settled by its event wherever each was kept.
  private void writeBatch(List<GroupCommit.Pending> batch, DatabaseWrite toTheDatabase) {
    List<AuditWrite> writes = new ArrayList<>(batch.size());
    batch.forEach(pending -> writes.add(pending.write()));
    try {
      toTheDatabase.store(writes);
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
      // The intents the database acknowledged but may not have flushed go to the spool too: it
      // may have lost them with whatever made this batch fail.
      List<AuditWrite.Intent> unflushed = intentWriter.notYetFlushed();
      List<AuditWrite> kept = new ArrayList<>(writes.size() + unflushed.size());
      kept.addAll(writes);
      kept.addAll(unflushed);
      try {
        spool.keep(kept);
        intentWriter.spooled(unflushed);
        metrics.counter("airlock_audit_spooled_writes").increment(kept.size());
      } catch (RuntimeException spoolFailed) {
        LOG.errorf(
            "Audit trail: %d events could not be written anywhere: %s", writes.size(), spoolFailed);
        batch.forEach(p -> p.done().completeExceptionally(spoolFailed));
        return;
      }
    }
    batch.forEach(p -> p.done().complete(null));
  }

  private interface DatabaseWrite {
    void store(List<AuditWrite> writes) throws SQLException;
  }

  /** The intent writer's batches: intents only, one auto-commit statement. */
  private void storeIntents(List<AuditWrite> writes) throws SQLException {
    intentWriter.store(writes.stream().map(AuditWrite.Intent.class::cast).toList());
  }

  /** The event writer's batches: chain appends, one transaction. */
  private void storeEvents(List<AuditWrite> writes) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        AuditWrite.store(connection, writes, chain);
        // A synchronous commit flushes the log up to its own record: every intent committed before
        // it began is on disk when it returns.
        long intentsBefore = intentWriter.committedSoFar();
        connection.commit();
        intentWriter.flushedUpTo(intentsBefore);
        eventsCommitted.run();
        intentsSettled.accept(
            writes.stream()
                .map(write -> ((AuditWrite.Event) write).id())
                .filter(Objects::nonNull)
                .toList());
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }

  void stop(@Observes ShutdownEvent event) throws InterruptedException {
    intents.stop();
    events.stop();
    intentWriter.discardConnection();
  }
}
