package dev.airlock.audit;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.function.Consumer;
import javax.sql.DataSource;

/** Reads the trail back: verification of the chain, and streaming for export. */
@ApplicationScoped
public class AuditChain {

  /** The verdict on a range of the chain. */
  public record Verification(boolean ok, long checked, Long firstBrokenSeq, String reason) {}

  /** Filters of an export; null fields match everything. */
  public record Filter(Instant from, Instant to, String agent, String tool, String decision) {}

  private final DataSource dataSource;

  @Inject
  public AuditChain(AgroalDataSource dataSource) {
    this((DataSource) dataSource);
  }

  /** For harnesses outside the application (benchmarks). */
  public AuditChain(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Recomputes every hash in the range: each event must hash to its stored hash, and carry the
   * previous event's hash. The first event in range is anchored on its own stored prev_hash (after
   * retention, that is all that remains of the older chain).
   */
  public Verification verify(Instant from, Instant to) {
    // Events are chained in append order (seq); their times are when the call started, so a time
    // range is turned into the seq range it spans rather than filtered event by event.
    String sql =
        "select "
            + StoredEvent.COLUMNS
            + " from audit_event where seq >= (select coalesce(min(seq), 0) from audit_event where at >= ?)"
            + " and seq <= (select coalesce(max(seq), 0) from audit_event where at <= ?) order by seq";
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        statement.setFetchSize(1000);
        statement.setTimestamp(1, Timestamp.from(from == null ? Instant.EPOCH : from));
        statement.setTimestamp(2, Timestamp.from(to == null ? Instant.now().plusSeconds(60) : to));
        long checked = 0;
        String expectedPrevious = null;
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            StoredEvent event = StoredEvent.read(rows);
            if (expectedPrevious != null && !expectedPrevious.equals(event.prevHash())) {
              return new Verification(
                  false,
                  checked,
                  event.seq(),
                  "prev_hash does not match the hash of the event before it");
            }
            if (!event.computeHash(event.prevHash()).equals(event.hash())) {
              return new Verification(
                  false, checked, event.seq(), "the event's content does not match its hash");
            }
            expectedPrevious = event.hash();
            checked++;
          }
        }
        return new Verification(true, checked, null, null);
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("audit trail unavailable: " + e.getMessage(), e);
    }
  }

  /** Streams matching events in order with a server-side cursor: constant memory. */
  public void stream(Filter filter, Consumer<StoredEvent> sink) {
    StringBuilder sql =
        new StringBuilder(
            "select " + StoredEvent.COLUMNS + " from audit_event where at >= ? and at <= ?");
    if (filter.agent() != null) {
      sql.append(" and agent = ?");
    }
    if (filter.tool() != null) {
      sql.append(" and tool = ?");
    }
    if (filter.decision() != null) {
      sql.append(" and decision = ?");
    }
    sql.append(" order by seq");
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
        statement.setFetchSize(1000);
        int i = 1;
        statement.setTimestamp(
            i++, Timestamp.from(filter.from() == null ? Instant.EPOCH : filter.from()));
        statement.setTimestamp(
            i++, Timestamp.from(filter.to() == null ? Instant.now().plusSeconds(60) : filter.to()));
        if (filter.agent() != null) {
          statement.setString(i++, filter.agent());
        }
        if (filter.tool() != null) {
          statement.setString(i++, filter.tool());
        }
        if (filter.decision() != null) {
          statement.setString(i, filter.decision());
        }
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            sink.accept(StoredEvent.read(rows));
          }
        }
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("audit trail unavailable: " + e.getMessage(), e);
    }
  }
}
