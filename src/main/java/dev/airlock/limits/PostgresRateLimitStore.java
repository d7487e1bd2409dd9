package dev.airlock.limits;

import dev.airlock.policy.LimitRule;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Exact counters shared by every replica: one atomic upsert per limit that only increments while
 * the count is below max, all limits of a call in one transaction (rolled back if one refuses).
 * Plain JDBC: one statement per limit on the hot path, no ORM session.
 */
@ApplicationScoped
public class PostgresRateLimitStore implements RateLimitStore {

  private static final String ACQUIRE =
      "insert into rate_counter (counter, scope_key, window_start, count, expires_at) values (?, ?, ?, 1, ?)"
          + " on conflict (counter, scope_key, window_start) do update set count = rate_counter.count + 1"
          + " where rate_counter.count < ? returning count";

  private final DataSource dataSource;

  @Inject
  public PostgresRateLimitStore(AgroalDataSource dataSource) {
    this((DataSource) dataSource);
  }

  /** For harnesses outside the application (benchmarks). */
  public PostgresRateLimitStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Optional<Exceeded> tryAcquire(
      List<LimitRule> limits, List<String> scopeKeys, Instant now) {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try (PreparedStatement statement = connection.prepareStatement(ACQUIRE)) {
        for (int i = 0; i < limits.size(); i++) {
          LimitRule limit = limits.get(i);
          Instant start = RateLimitStore.windowStart(limit, now);
          statement.setString(1, limit.counter());
          statement.setString(2, scopeKeys.get(i));
          statement.setTimestamp(3, Timestamp.from(start));
          statement.setTimestamp(4, Timestamp.from(start.plus(limit.window())));
          statement.setLong(5, limit.max());
          try (ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
              connection.rollback();
              return Optional.of(new Exceeded(limit, RateLimitStore.retryAfter(limit, now)));
            }
          }
        }
        connection.commit();
        return Optional.empty();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("rate-limit store unavailable: " + e.getMessage(), e);
    }
  }

  /** Windows reset on their own (a new window is a new row); old rows are only garbage. */
  @Scheduled(
      every = "1m",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void deleteExpired() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("delete from rate_counter where expires_at < now()")) {
      statement.executeUpdate();
    } catch (SQLException e) {
      // Next minute will do; counters of expired windows are never read.
    }
  }
}
