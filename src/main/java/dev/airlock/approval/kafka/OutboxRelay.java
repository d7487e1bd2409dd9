package dev.airlock.approval.kafka;

import dev.airlock.approval.store.OutboxEntity;
import dev.airlock.kafka.AcknowledgedBatch;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
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

  private volatile boolean brokerDown;

  @Scheduled(
      every = "${airlock.approval.outbox-interval:1s}",
      // Not before start-up has finished: until then the Kafka emitter is not wired.
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    try {
      publishBatch();
    } catch (RuntimeException e) {
      LOG.debugf("Outbox publishing paused: %s", e.getMessage());
    }
  }

  /**
   * Publishes right after a transaction that wrote to the outbox commits, instead of waiting for
   * the next tick: a decision reaches the replica holding the call in milliseconds.
   */
  void afterCommit(
      @jakarta.enterprise.event.Observes(
              during = jakarta.enterprise.event.TransactionPhase.AFTER_SUCCESS)
          dev.airlock.approval.ApprovalService.OutboxWritten written) {
    // On a plain worker, not the committing request's Vert.x context (whose CDI request context a
    // background task must not share).
    io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool().execute(this::tick);
  }

  private static Message<String> message(OutboxEntity row) {
    return Message.of(row.payload)
        .addMetadata(
            OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.topic)
                .withKey(row.messageKey)
                .build())
        // The producer span (and the traceparent header it writes) joins the call's trace.
        .addMetadata(
            io.smallrye.reactive.messaging.TracingMetadata.withCurrent(
                dev.airlock.tracing.TraceContexts.parent(row.traceParent)));
  }

  /** Publishes up to one batch; returns how many rows were acknowledged. */
  @Transactional
  public int publishBatch() {
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
    return sent;
  }
}
