package dev.airlock.approval;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls this replica holds, waiting for a final decision. Decisions arrive from this replica's
 * own commits, from Kafka (any replica may have recorded them) and, as a fallback that does not
 * depend on Kafka, from periodic database checks.
 */
@ApplicationScoped
public class ParkedCalls {

  private static final int POLL_CHUNK = 1000;
  private static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);

  private final Map<String, CompletableFuture<ApprovalView>> waiting = new ConcurrentHashMap<>();
  private volatile Instant lastRecentCheck;

  @Inject ApprovalService approvals;
  @Inject ApprovalConfig config;

  private FullCheckPasses fullCheck;

  @PostConstruct
  void init() {
    fullCheck = new FullCheckPasses(config.fullCheckInterval(), config.pollInterval());
  }

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

  /**
   * The database checks, one job per poll tick: decisions recorded since, then a full-check slice.
   */
  @Scheduled(
      every = "${airlock.approval.poll-interval:1s}",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void checkDatabase() {
    checkRecentDecisions();
    checkHeldSlice();
  }

  /**
   * Decisions recorded since the last check, whatever the number of held calls. Checking each held
   * id instead (one query per 1,000) cost a steady 10,000 bound parameters a second with 10,000
   * held, in Airlock and in PostgreSQL, and slowed allowed calls. Decision times are stamped by the
   * deciding replica's clock, hence the margin; a clock off by more is what the full check is for.
   */
  private void checkRecentDecisions() {
    Instant now = Instant.now();
    Instant since = lastRecentCheck == null ? now : lastRecentCheck;
    if (!waiting.isEmpty()) {
      for (String id : approvals.decidedSince(since.minus(CLOCK_MARGIN))) {
        if (waiting.containsKey(id)) {
          approvals.find(id).ifPresent(this::onDecided);
        }
      }
    }
    // Only after a check that ran: one that failed leaves its window to the next.
    lastRecentCheck = now;
  }

  /**
   * Every held call within each full-check interval, a slice per poll tick: one query for all of
   * them at once every minute (10 queries of 1,000 ids with 10,000 held) was a burst of database
   * work that delayed allowed calls' commits, while a slice a second costs the same spread evenly.
   */
  private void checkHeldSlice() {
    List<String> slice = fullCheck.next(waiting.keySet(), Instant.now());
    for (int from = 0; from < slice.size(); from += POLL_CHUNK) {
      List<String> chunk = slice.subList(from, Math.min(slice.size(), from + POLL_CHUNK));
      for (String id : approvals.decidedAmong(chunk)) {
        approvals.find(id).ifPresent(this::onDecided);
      }
    }
  }
}
