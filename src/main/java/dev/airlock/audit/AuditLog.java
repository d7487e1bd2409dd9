package dev.airlock.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The hash-chained audit trail in PostgreSQL. Appends are serialized by a transaction-scoped
 * advisory lock so the chain stays linear across replicas. Decisions append synchronously inside
 * their own transaction; calls go through a group-commit writer, and the relay waits for their
 * commit before answering the agent (see docs/audit.md).
 */
@ApplicationScoped
public class AuditLog implements AuditTrail {

  private static final Logger LOG = Logger.getLogger(AuditLog.class);
  private static final long CHAIN_LOCK = 0x4149524C4F434BL; // "AIRLOCK"
  private static final int MAX_BATCH = 500;

  private static final String INSERT =
      "insert into audit_event (id, at, kind, decision_id, agent, grant_id, owner, session_id, upstream, tool,"
          + " args_digest, args, policy_version, rule_id, decision, reason, reviewers, channel, wait_ms, upstream_ms,"
          + " outcome, details, prev_hash, hash) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

  private record Pending(AuditEntry entry, CompletableFuture<Void> done) {}

  @Inject AgroalDataSource dataSource;
  @Inject ObjectMapper json;

  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(100_000);
  private volatile Thread writer;
  private volatile boolean stopping;

  @Override
  @Transactional
  public void append(AuditEntry entry) {
    try (Connection connection = dataSource.getConnection()) {
      write(connection, List.of(entry));
    } catch (SQLException e) {
      throw new IllegalStateException("audit trail unavailable: " + e.getMessage(), e);
    }
  }

  @Override
  public CompletionStage<Void> appendAsync(AuditEntry entry) {
    startWriter();
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!queue.offer(new Pending(entry, done))) {
      done.completeExceptionally(new IllegalStateException("audit queue full"));
    }
    return done;
  }

  private synchronized void startWriter() {
    if (writer == null) {
      writer = new Thread(this::drain, "audit-writer");
      writer.setDaemon(true);
      writer.start();
    }
  }

  /** Group commit: whatever queued while the last batch was written goes in the next one. */
  private void drain() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (!stopping || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        writeBatch(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void writeBatch(List<Pending> batch) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        write(connection, batch.stream().map(Pending::entry).toList());
        connection.commit();
        batch.forEach(p -> p.done().complete(null));
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.errorf("Audit batch of %d events not written: %s", batch.size(), e.getMessage());
      batch.forEach(p -> p.done().completeExceptionally(e));
    }
  }

  private void write(Connection connection, List<AuditEntry> entries) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_xact_lock(?)")) {
      lock.setLong(1, CHAIN_LOCK);
      lock.execute();
    }
    String previous = ChainHash.GENESIS;
    try (PreparedStatement last =
            connection.prepareStatement("select hash from audit_event order by seq desc limit 1");
        ResultSet row = last.executeQuery()) {
      if (row.next()) {
        previous = row.getString(1);
      }
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      for (AuditEntry entry : entries) {
        StoredEvent event = toStored(entry, previous);
        int i = 1;
        insert.setString(i++, event.id());
        insert.setTimestamp(i++, Timestamp.from(event.at()));
        insert.setString(i++, event.kind());
        insert.setString(i++, event.decisionId());
        insert.setString(i++, event.agent());
        insert.setString(i++, event.grantId());
        insert.setString(i++, event.owner());
        insert.setString(i++, event.sessionId());
        insert.setString(i++, event.upstream());
        insert.setString(i++, event.tool());
        insert.setString(i++, event.argsDigest());
        insert.setString(i++, event.args());
        insert.setString(i++, event.policyVersion());
        insert.setString(i++, event.ruleId());
        insert.setString(i++, event.decision());
        insert.setString(i++, event.reason());
        insert.setString(i++, event.reviewers());
        insert.setString(i++, event.channel());
        setLong(insert, i++, event.waitMs());
        setLong(insert, i++, event.upstreamMs());
        insert.setString(i++, event.outcome());
        insert.setString(i++, event.details());
        insert.setString(i++, event.prevHash());
        insert.setString(i, event.hash());
        insert.addBatch();
        previous = event.hash();
      }
      insert.executeBatch();
    }
  }

  private StoredEvent toStored(AuditEntry e, String previous) {
    StoredEvent unhashed =
        new StoredEvent(
            0,
            UUID.randomUUID().toString(),
            (e.at() == null ? Instant.now() : e.at()).truncatedTo(ChronoUnit.MICROS),
            e.kind(),
            e.decisionId(),
            e.agent(),
            e.grantId(),
            e.owner(),
            e.sessionId(),
            e.upstream(),
            e.tool(),
            e.argumentsDigest(),
            e.arguments() == null ? null : e.arguments().toString(),
            e.policyVersion(),
            e.ruleId(),
            e.decision(),
            e.reason(),
            e.reviewers() == null || e.reviewers().isEmpty() ? null : write(e.reviewers()),
            e.channel(),
            e.waitMillis(),
            e.upstreamMillis(),
            e.outcome(),
            e.details() == null ? null : e.details().toString(),
            previous,
            null);
    String hash = unhashed.computeHash(previous);
    return new StoredEvent(
        0,
        unhashed.id(),
        unhashed.at(),
        unhashed.kind(),
        unhashed.decisionId(),
        unhashed.agent(),
        unhashed.grantId(),
        unhashed.owner(),
        unhashed.sessionId(),
        unhashed.upstream(),
        unhashed.tool(),
        unhashed.argsDigest(),
        unhashed.args(),
        unhashed.policyVersion(),
        unhashed.ruleId(),
        unhashed.decision(),
        unhashed.reason(),
        unhashed.reviewers(),
        unhashed.channel(),
        unhashed.waitMs(),
        unhashed.upstreamMs(),
        unhashed.outcome(),
        unhashed.details(),
        previous,
        hash);
  }

  private static void setLong(PreparedStatement statement, int index, Long value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  void stop(@Observes ShutdownEvent event) throws InterruptedException {
    stopping = true;
    Thread running = writer;
    if (running != null) {
      running.join(5000);
    }
  }
}
