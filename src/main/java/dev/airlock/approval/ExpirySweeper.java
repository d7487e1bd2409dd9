package dev.airlock.approval;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Moves requests nobody decided in time to their timeout outcome (deny by default). */
@ApplicationScoped
public class ExpirySweeper {

  private static final Logger LOG = Logger.getLogger(ExpirySweeper.class);

  @Inject ApprovalService approvals;

  @Scheduled(
      every = "1s",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    try {
      int expired = approvals.expireDue();
      if (expired > 0) {
        LOG.infof("%d approval request(s) reached their timeout", expired);
      }
    } catch (RuntimeException e) {
      LOG.warnf("Expiry sweep failed (will retry): %s", e.getMessage());
    }
  }
}
