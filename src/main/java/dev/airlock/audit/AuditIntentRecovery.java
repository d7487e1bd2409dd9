package dev.airlock.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Deletes the intents of calls whose event is in the chain, and turns intents nobody settled (their
 * replica stopped between forwarding a call and recording its outcome) into events with outcome
 * {@code unknown}, so a forwarded call is never missing from the chain.
 *
 * <p>An event settles its intent by carrying the same id, so the chain's transaction (which a
 * denied call's answer waits for) does not also delete intents, and a replayed spool can tell an
 * event already stored. The intent row is deleted later, here, a page of ids per statement. The
 * event writer hands over the ids it committed; what that misses (ids handed over but not yet
 * deleted when a replica stopped, events replayed from the spool) is deleted once older than the
 * grace, after a check that its event is there. Under load the ids are deleted as they come, a few
 * hundred at a time on their own thread; the scheduled run takes what is left. Safe on every
 * replica at once: intents are claimed with {@code skip locked} before any event is appended for
 * them.
 */
@ApplicationScoped
public class AuditIntentRecovery {

  private static final Logger LOG = Logger.getLogger(AuditIntentRecovery.class);
  private static final int PAGE = 1000;
  private static final int MAX_PAGES = 50;
  // Ids waiting for their intents' delete, a few seconds' worth. Bounded: ids that do not fit
  // (the database refusing deletes for long) are deleted by the grace check instead.
  private static final int MAX_SETTLED = 100_000;

  @Inject AgroalDataSource dataSource;
  @Inject AuditConfig config;
  @Inject ObjectMapper json;

  // Under load the settled ids are deleted a few hundred at a time as they come, not every 5 s at
  // once: a burst of thousands of deletes slowed every call in flight.
  private static final int DELETE_AT = 250;

  private final BlockingQueue<String> settled = new LinkedBlockingQueue<>(MAX_SETTLED);
  private final ExecutorService deleter =
      Executors.newSingleThreadExecutor(DaemonThreads.named("audit-intent-deleter"));
  private final AtomicBoolean deleteQueued = new AtomicBoolean();

  /** These calls' events are committed: their intents, if any, may go. */
  void settled(List<String> callIds) {
    for (String id : callIds) {
      if (!settled.offer(id)) {
        break;
      }
    }
    if (settled.size() >= DELETE_AT && deleteQueued.compareAndSet(false, true)) {
      try {
        deleter.execute(this::deleteQueued);
      } catch (RejectedExecutionException e) {
        deleteQueued.set(false); // shutting down: the grace check deletes them later
      }
    }
  }

  private void deleteQueued() {
    deleteQueued.set(false);
    try {
      deleteSettled();
    } catch (SQLException | RuntimeException e) {
      LOG.debugf("Settled audit intents not deleted yet: %s", e.getMessage());
    }
  }

  void stop(@Observes ShutdownEvent event) {
    deleter.shutdown();
  }

  @Scheduled(
      every = "5s",
      delayed = "5s",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduled() {
    try {
      deleteSettled();
      recoverOlderThan(Instant.now().minus(config.intentGrace()));
    } catch (SQLException | RuntimeException e) {
      LOG.debugf("Audit intents not swept yet: %s", e.getMessage());
    }
  }

  /**
   * Deletes the intents of the calls whose events were committed since the last time. Without
   * waiting for the disk flush: a delete a crash loses leaves a settled intent, which the grace
   * check finds with its event and deletes.
   */
  public void deleteSettled() throws SQLException {
    List<String> ids = new ArrayList<>(PAGE);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        for (int page = 0; page < MAX_PAGES && settled.drainTo(ids, PAGE) > 0; page++) {
          try (Statement unflushed = connection.createStatement()) {
            unflushed.execute("set local synchronous_commit to off");
          }
          delete(connection, ids);
          connection.commit();
          ids.clear();
        }
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }

  /**
   * For every intent recorded before {@code cutoff}: deletes it, after appending its event with
   * outcome {@code unknown} if the chain has none with its id. Returns how many were lost.
   */
  public int recoverOlderThan(Instant cutoff) throws SQLException {
    int lost = 0;
    try (Connection connection = dataSource.getConnection()) {
      for (int page = 0; page < MAX_PAGES; page++) {
        Page recovered = recoverPage(connection, cutoff);
        lost += recovered.lost();
        if (recovered.intents() < PAGE) {
          break;
        }
      }
    }
    if (lost > 0) {
      LOG.warnf(
          "Audit: %d forwarded calls had no recorded outcome (a replica stopped); recorded with"
              + " outcome 'unknown'",
          lost);
    }
    return lost;
  }

  private record Page(int intents, int lost) {}

  private Page recoverPage(Connection connection, Instant cutoff) throws SQLException {
    connection.setAutoCommit(false);
    try {
      Map<String, String> claimed = new LinkedHashMap<>();
      try (PreparedStatement select =
          connection.prepareStatement(
              "select id, entry from audit_intent where recorded_at < ? order by recorded_at"
                  + " limit ? for update skip locked")) {
        select.setTimestamp(1, Timestamp.from(cutoff));
        select.setInt(2, PAGE);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            claimed.put(rows.getString(1), rows.getString(2));
          }
        }
      }
      Set<String> settledIds = ChainAppend.storedAmong(connection, claimed.keySet());
      List<AuditEntry> lost = new ArrayList<>();
      for (Map.Entry<String, String> intent : claimed.entrySet()) {
        if (!settledIds.contains(intent.getKey())) {
          lost.add(json.readValue(intent.getValue(), AuditEntry.class));
        }
      }
      // Fresh ids: the call's own event may still come (a call slower than the grace), and it
      // keeps the call's id.
      new ChainAppend(json).append(connection, lost);
      delete(connection, claimed.keySet());
      connection.commit();
      return new Page(claimed.size(), lost.size());
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

  private static void delete(Connection connection, Collection<String> ids) throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement delete =
        connection.prepareStatement("delete from audit_intent where id = any(?)")) {
      delete.setArray(1, connection.createArrayOf("varchar", ids.toArray()));
      delete.executeUpdate();
    }
  }
}
