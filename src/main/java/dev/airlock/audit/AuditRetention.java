package dev.airlock.audit;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Deletes events older than {@code airlock.audit.retention}. The chain stays verifiable: the first
 * remaining event keeps its prev_hash, which verification takes as the anchor.
 */
@ApplicationScoped
public class AuditRetention {

  private static final Logger LOG = Logger.getLogger(AuditRetention.class);

  @Inject AgroalDataSource dataSource;
  @Inject AuditConfig config;
  @Inject AuditTrail trail;

  @Scheduled(
      cron = "0 17 3 * * ?",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void nightly() {
    deleteOlderThan(Instant.now().minus(config.retention()));
  }

  /** Returns how many events were deleted; only published events are deleted. */
  public int deleteOlderThan(Instant cutoff) {
    int deleted;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                // Cut the chain at one point: everything before the first event at or after the
                // cutoff.
                "delete from audit_event where seq <= ("
                    + AuditPublisher.PUBLISHED_POSITION
                    + ")"
                    + " and seq < (select coalesce(min(seq), 9223372036854775807) from audit_event where at >= ?)")) {
      statement.setTimestamp(1, Timestamp.from(cutoff));
      deleted = statement.executeUpdate();
    } catch (SQLException e) {
      LOG.warnf("Audit retention did not run: %s", e.getMessage());
      return 0;
    }
    if (deleted > 0) {
      trail.append(
          AuditEntry.admin(
              "audit retention",
              "system",
              "system",
              "deleted " + deleted + " events before " + cutoff,
              null));
    }
    return deleted;
  }
}
