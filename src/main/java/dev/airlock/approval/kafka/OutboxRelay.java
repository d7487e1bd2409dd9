package dev.airlock.approval.kafka;

import dev.airlock.approval.store.OutboxEntity;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
      every = "${airlock.approval.outbox-interval:200ms}",
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

  private static Message<String> message(OutboxEntity row, CompletableFuture<Void> acked) {
    return Message.of(row.payload)
        .addMetadata(
            OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.topic)
                .withKey(row.messageKey)
                .build())
        // The producer span (and the traceparent header it writes) joins the call's trace.
        .addMetadata(
            io.smallrye.reactive.messaging.TracingMetadata.withCurrent(
                dev.airlock.tracing.TraceContexts.parent(row.traceParent)))
        .withAck(
            () -> {
              acked.complete(null);
              return CompletableFuture.completedFuture(null);
            })
        .withNack(
            error -> {
              acked.completeExceptionally(error);
              return CompletableFuture.completedFuture(null);
            });
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
    // All sent at once, then acknowledged: awaiting each before sending the next capped the outbox
    // at one broker round trip per message. Messages of one approval share a key, so the
    // idempotent producer keeps them in order on their partition.
    List<CompletableFuture<Void>> acks = new java.util.ArrayList<>(rows.size());
    for (OutboxEntity row : rows) {
      CompletableFuture<Void> acked = new CompletableFuture<>();
      acks.add(acked);
      try {
        emitter.send(message(row, acked));
      } catch (RuntimeException e) {
        acked.completeExceptionally(e);
        break;
      }
    }
    int sent = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (int i = 0; i < acks.size(); i++) {
      try {
        acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        if (!brokerDown) {
          LOG.warnf(
              "Kafka did not acknowledge approval messages; they stay in the outbox and will be retried: %s",
              e.getMessage());
          brokerDown = true;
        }
        // Later rows stay unsent too, so a retry resends them in their order.
        break;
      }
      rows.get(i).sentAt = Instant.now();
      sent++;
    }
    if (sent > 0 && brokerDown) {
      LOG.info("Kafka acknowledges approval messages again");
      brokerDown = false;
    }
    return sent;
  }
}
