package dev.airlock.approval;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls this replica holds, waiting for a final decision. Decisions arrive from this replica's
 * own commits, from Kafka (any replica may have recorded them) and, as a fallback that does not
 * depend on Kafka, from a periodic database check.
 */
@ApplicationScoped
public class ParkedCalls {

  private static final int POLL_CHUNK = 1000;

  private final Map<String, CompletableFuture<ApprovalView>> waiting = new ConcurrentHashMap<>();

  @Inject ApprovalService approvals;

  /** A stage that completes with the request's final view. */
  public CompletableFuture<ApprovalView> await(String approvalId) {
    return waiting.computeIfAbsent(approvalId, id -> new CompletableFuture<>());
  }

  public void forget(String approvalId) {
    waiting.remove(approvalId);
  }

  public int size() {
    return waiting.size();
  }

  /** A decision seen on the decided topic or in the database. */
  public void onDecided(ApprovalView view) {
    if (!view.status().isFinal()) {
      return;
    }
    CompletableFuture<ApprovalView> future = waiting.remove(view.id());
    if (future != null) {
      future.complete(view);
    }
  }

  /**
   * A decision committed on this replica releases the calls this replica holds at once, without the
   * round trip through Kafka (outbox publish, broker, consumer); the decided topic still carries it
   * to the other replicas, and here finds nothing left waiting.
   */
  void onCommitted(
      @Observes(during = TransactionPhase.AFTER_SUCCESS) ApprovalService.OutboxWritten written) {
    if (!written.view().status().isFinal() || !waiting.containsKey(written.approvalId())) {
      return;
    }
    // Off the committing thread: the released call's next steps (claiming the release in its own
    // transaction) must not run inside this transaction's completion; a worker thread, as for
    // decisions from Kafka and from the database check. Not vertx.executeBlocking: from a REST
    // request it would run on that request's Vert.x context and share (and end) its CDI request
    // context while the request still needs it.
    Infrastructure.getDefaultWorkerPool().execute(() -> onDecided(written.view()));
  }

  @Scheduled(
      every = "${airlock.approval.poll-interval:1s}",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void pollDatabase() {
    if (waiting.isEmpty()) {
      return;
    }
    // One query per chunk finds the few decided ids among every held call. Reading each held
    // request in turn cost two queries per call per tick (a steady load that slowed allowed calls
    // with thousands held) and, capped at 500, never reached the calls past the first 500.
    List<String> ids = List.copyOf(waiting.keySet());
    for (int from = 0; from < ids.size(); from += POLL_CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + POLL_CHUNK));
      for (String id : approvals.decidedAmong(chunk)) {
        approvals.find(id).ifPresent(this::onDecided);
      }
    }
  }
}
