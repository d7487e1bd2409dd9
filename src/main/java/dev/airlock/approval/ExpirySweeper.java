package dev.airlock.approval;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Moves requests nobody decided in time to their timeout outcome (deny by default).
 *
 * <p>The sweep runs the database only when a deadline is due: the earliest one it knows of, from
 * its last look at the pending requests and from every request parked here since. A request parked
 * by another replica is seen at the next look, at least every {@code
 * airlock.approval.idle-check-interval}; its own replica sweeps it on time while it runs, and a
 * decision after the deadline finds it expired whether or not a sweep got there first.
 */
@ApplicationScoped
public class ExpirySweeper {

  private static final Logger LOG = Logger.getLogger(ExpirySweeper.class);

  @Inject ApprovalService approvals;
  @Inject ApprovalConfig config;

  // Instant.MIN: nothing known yet, so the first tick looks.
  private final AtomicReference<Instant> nextDeadline = new AtomicReference<>(Instant.MIN);
  private volatile Instant lastLook = Instant.MIN;

  /** A request parked here: its deadline may be earlier than any the sweep knows of. */
  void parked(
      @Observes(during = TransactionPhase.AFTER_SUCCESS) ApprovalService.OutboxWritten written) {
    if (written.view().status() == ApprovalStatus.PENDING) {
      expect(written.view().expiresAt());
    }
  }

  @Scheduled(
      every = "1s",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    Instant now = Instant.now();
    if (now.isBefore(nextDeadline.get())
        && now.isBefore(lastLook.plus(config.idleCheckInterval()))) {
      return;
    }
    try {
      int expired = approvals.expireDue();
      if (expired > 0) {
        LOG.infof("%d approval request(s) reached their timeout", expired);
      }
      // Forgotten before the query, so a park committed during it is either in its answer or
      // noted after this line; both survive the min below.
      nextDeadline.set(Instant.MAX);
      expect(approvals.earliestPendingDeadline().orElse(Instant.MAX));
      lastLook = now;
    } catch (RuntimeException e) {
      nextDeadline.set(Instant.MIN); // look again next tick
      LOG.warnf("Expiry sweep failed (will retry): %s", e.getMessage());
    }
  }

  private void expect(Instant deadline) {
    nextDeadline.accumulateAndGet(deadline, (a, b) -> a.isBefore(b) ? a : b);
  }
}
