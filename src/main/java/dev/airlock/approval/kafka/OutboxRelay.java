package dev.airlock.approval.kafka;

import dev.airlock.approval.ApprovalConfig;
import dev.airlock.approval.ApprovalService;
import dev.airlock.approval.store.OutboxEntity;
import dev.airlock.kafka.AcknowledgedBatch;
import dev.airlock.tracing.TraceContexts;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes the approval outbox to Kafka. A row is marked sent only after the broker acknowledged
 * it, so a crash or an unavailable broker means a later (possibly repeated) send, never a lost one;
 * consumers are idempotent by approval id and status.
 */
@ApplicationScoped
public class OutboxRelay {

  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
  private static final int BATCH = 100;

  @Inject EntityManager entityManager;

  @Inject
  @Channel("approvals-out")
  Emitter<String> emitter;

  @Inject ApprovalConfig config;

  private volatile boolean brokerDown;

  // Whether the last run left the outbox empty and none since left rows behind; guarded by this.
  private boolean drained;
  private long runsLeavingRows;
  private volatile Instant lastLook = Instant.MIN;

  /**
   * Catches up on rows a run after commit did not publish (broker away, a replica gone). While this
   * replica's runs leave the outbox empty it looks only every {@code
   * airlock.approval.idle-check-interval}, for rows a replica that has gone away left behind.
   */
  @Scheduled(
      every = "${airlock.approval.outbox-interval:1s}",
      // Not before start-up has finished: until then the Kafka emitter is not wired.
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    if (isDrained() && Instant.now().isBefore(lastLook.plus(config.idleCheckInterval()))) {
      return;
    }
    run();
  }

  private void run() {
    lastLook = Instant.now();
    long before = runsLeavingRowsSoFar();
    try {
      settled(before, publishBatch());
    } catch (RuntimeException e) {
      settled(before, false);
      LOG.debugf("Outbox publishing paused: %s", e.getMessage());
    }
  }

  private synchronized long runsLeavingRowsSoFar() {
    return runsLeavingRows;
  }

  private synchronized boolean isDrained() {
    return drained;
  }

  /**
   * A run that left rows behind makes the next tick look; one that emptied the outbox counts only
   * if no run left rows meanwhile (a concurrent run may hold rows this one skipped as locked).
   */
  private synchronized void settled(long before, boolean emptied) {
    if (!emptied) {
      runsLeavingRows++;
      drained = false;
    } else if (runsLeavingRows == before) {
      drained = true;
    }
  }

  /**
   * Publishes right after a transaction that wrote to the outbox commits, instead of waiting for
   * the next tick: a decision reaches the replica holding the call in milliseconds.
   */
  void afterCommit(
      @Observes(during = TransactionPhase.AFTER_SUCCESS) ApprovalService.OutboxWritten written) {
    // On a plain worker, not the committing request's Vert.x context (whose CDI request context a
    // background task must not share).
    Infrastructure.getDefaultWorkerPool().execute(this::run);
  }

  private static Message<String> message(OutboxEntity row) {
    return Message.of(row.payload)
        .addMetadata(
            OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.topic)
                .withKey(row.messageKey)
                .build())
        // The producer span (and the traceparent header it writes) joins the call's trace.
        .addMetadata(TracingMetadata.withCurrent(TraceContexts.parent(row.traceParent)));
  }

  /**
   * Publishes up to one batch; returns whether it left nothing behind (fewer rows than a batch, all
   * acknowledged).
   */
  @Transactional
  public boolean publishBatch() {
    @SuppressWarnings("unchecked")
    List<OutboxEntity> rows =
        entityManager
            .createNativeQuery(
                "select * from approval_outbox where sent_at is null order by id limit "
                    + BATCH
                    + " for update skip locked",
                OutboxEntity.class)
            .getResultList();
    // Messages of one approval share a key, so the idempotent producer keeps them in order on
    // their partition.
    AcknowledgedBatch.Outcome outcome =
        AcknowledgedBatch.send(
            emitter, rows.stream().map(OutboxRelay::message).toList(), Duration.ofSeconds(5));
    int sent = outcome.acknowledged();
    // Rows after the first one Kafka did not acknowledge stay unsent too, and are sent again in
    // their order.
    rows.subList(0, sent).forEach(row -> row.sentAt = Instant.now());
    if (outcome.firstFailure() != null) {
      if (!brokerDown) {
        LOG.warnf(
            "Kafka did not acknowledge approval messages; they stay in the outbox and will be retried: %s",
            outcome.firstFailure().getMessage());
        brokerDown = true;
      }
    } else if (brokerDown && sent > 0) {
      LOG.info("Kafka acknowledges approval messages again");
      brokerDown = false;
    }
    return rows.size() < BATCH && outcome.firstFailure() == null;
  }
}
