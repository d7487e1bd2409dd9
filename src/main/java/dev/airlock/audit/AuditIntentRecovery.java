package dev.airlock.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Turns intents nobody settled (their replica stopped between forwarding a call and recording its
 * outcome) into events with outcome {@code unknown}, so a forwarded call is never missing from the
 * chain. Safe on every replica at once: rows are claimed with {@code skip locked}.
 */
@ApplicationScoped
public class AuditIntentRecovery {

  private static final Logger LOG = Logger.getLogger(AuditIntentRecovery.class);
  private static final int MAX_ROWS = 500;

  @Inject AgroalDataSource dataSource;
  @Inject AuditConfig config;
  @Inject ObjectMapper json;

  @Scheduled(
      every = "60s",
      delayed = "30s",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduled() {
    try {
      recoverOlderThan(Instant.now().minus(config.intentGrace()));
    } catch (SQLException | RuntimeException e) {
      LOG.debugf("Audit intents not recovered yet: %s", e.getMessage());
    }
  }

  /** Appends the events of intents recorded before {@code cutoff}; returns how many. */
  public int recoverOlderThan(Instant cutoff) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        List<String> ids = new ArrayList<>();
        List<AuditEntry> lost = new ArrayList<>();
        try (PreparedStatement select =
            connection.prepareStatement(
                "select id, entry from audit_intent where recorded_at < ? order by recorded_at"
                    + " limit ? for update skip locked")) {
          select.setTimestamp(1, Timestamp.from(cutoff));
          select.setInt(2, MAX_ROWS);
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              ids.add(rows.getString(1));
              lost.add(json.readValue(rows.getString(2), AuditEntry.class));
            }
          }
        }
        new ChainAppend(json).append(connection, lost);
        ChainAppend.settle(connection, ids);
        connection.commit();
        if (!lost.isEmpty()) {
          LOG.warnf(
              "Audit: %d forwarded calls had no recorded outcome (a replica stopped); recorded with"
                  + " outcome 'unknown'",
              lost.size());
        }
        return lost.size();
      } catch (IOException e) {
        connection.rollback();
        throw new UncheckedIOException(e);
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }
}
