package dev.airlock.approval;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls this replica holds, waiting for a final decision. Decisions arrive from Kafka (any
 * replica may have recorded them) and, as a fallback that does not depend on Kafka, from a periodic
 * database check.
 */
@ApplicationScoped
public class ParkedCalls {

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

  @Scheduled(
      every = "${airlock.approval.poll-interval:1s}",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void pollDatabase() {
    if (waiting.isEmpty()) {
      return;
    }
    List<String> ids = waiting.keySet().stream().limit(500).toList();
    for (String id : ids) {
      approvals.find(id).ifPresent(this::onDecided);
    }
  }
}
