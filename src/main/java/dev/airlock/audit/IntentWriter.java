package dev.airlock.audit;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Stores intents on a connection of its own, used only by the intent writer's thread.
 *
 * <p>By default that connection commits with PostgreSQL's {@code synchronous_commit = off}: an
 * intent is committed, and seen by every replica, before its call is forwarded, but the call does
 * not wait for the disk flush (on a busy or slow disk, the flush was most of an allowed call's
 * tail). PostgreSQL writes it to disk within three {@code wal_writer_delay}s, or sooner when any
 * later synchronous commit flushes the log past it, which the event writer does at least every
 * {@code settle-linger} under load. Until such a commit, the intent is also kept here; if the
 * database fails first, whichever writer sees the failure hands these intents to the spool with its
 * own batch, so a crash of PostgreSQL loses no intent. Only PostgreSQL and Airlock failing within
 * the same fraction of a second can (docs/audit.md); {@code
 * airlock.audit.intent-flush-before-forward=true} closes that too, at a disk flush per batch.
 */
final class IntentWriter {

  private static final Logger LOG = Logger.getLogger(IntentWriter.class);

  // A bound for when events cannot be stored anywhere for long: the oldest held go first, and
  // PostgreSQL flushed them long before (within three wal_writer_delays of their commit).
  private static final int MAX_HELD = 100_000;

  private record Unflushed(long seq, AuditWrite.Intent intent) {}

  private final AgroalDataSource dataSource;
  private final ChainAppend chain;
  private final boolean flushBeforeForward;
  // Committed with the flush deferred and perhaps not on disk yet, oldest first. Every forwarded
  // call's event is committed synchronously soon after its intent, and that commit drops what it
  // flushed, so this holds about one settle-linger's worth of calls plus the ones still upstream.
  private final Deque<Unflushed> unflushed = new ArrayDeque<>();
  private long committed;
  // The writer thread's; shutdown touches it only after that thread has stopped.
  private Connection connection;

  IntentWriter(AgroalDataSource dataSource, ChainAppend chain, boolean flushBeforeForward) {
    this.dataSource = dataSource;
    this.chain = chain;
    this.flushBeforeForward = flushBeforeForward;
  }

  /**
   * Stores one batch. The connection held since an earlier batch may have gone stale (the server
   * restarted meanwhile): its failure is retried once on another connection (the insert is
   * idempotent). A failure on a connection just taken is the database's, and goes to the caller at
   * once, so a database that is down costs one connection attempt per batch, not several.
   */
  void store(List<AuditWrite.Intent> intents) throws SQLException {
    boolean held = connection != null;
    try {
      insert(intents);
    } catch (SQLException | RuntimeException e) {
      if (!held) {
        throw e;
      }
      insert(intents);
    }
    if (!flushBeforeForward) {
      remember(intents);
    }
  }

  private void insert(List<AuditWrite.Intent> intents) throws SQLException {
    try {
      AuditWrite.storeIntents(connection(), intents, chain);
    } catch (SQLException | RuntimeException e) {
      discardConnection();
      throw e;
    }
  }

  private synchronized void remember(List<AuditWrite.Intent> intents) {
    for (AuditWrite.Intent intent : intents) {
      unflushed.addLast(new Unflushed(++committed, intent));
    }
    while (unflushed.size() > MAX_HELD) {
      unflushed.pollFirst();
    }
  }

  /**
   * How many intents have been committed so far. Taken before a synchronous commit begins: once it
   * returns, the log is on disk up to that commit's record, so these intents are too.
   */
  synchronized long committedSoFar() {
    return committed;
  }

  /**
   * A synchronous commit that began after {@link #committedSoFar()} returned {@code mark} ended.
   */
  synchronized void flushedUpTo(long mark) {
    while (!unflushed.isEmpty() && unflushed.peekFirst().seq() <= mark) {
      unflushed.pollFirst();
    }
  }

  /** The intents the database may still lose: what a writer that saw it fail spools. */
  synchronized List<AuditWrite.Intent> notYetFlushed() {
    List<AuditWrite.Intent> intents = new ArrayList<>(unflushed.size());
    unflushed.forEach(u -> intents.add(u.intent()));
    return intents;
  }

  /** These intents are in the spool, forced to disk. */
  synchronized void spooled(List<AuditWrite.Intent> intents) {
    Set<AuditWrite.Intent> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    kept.addAll(intents);
    unflushed.removeIf(u -> kept.contains(u.intent()));
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      Connection opened = dataSource.getConnection();
      try {
        opened.setAutoCommit(true);
        if (!flushBeforeForward) {
          try (Statement statement = opened.createStatement()) {
            statement.execute("set synchronous_commit to off");
          }
        }
      } catch (SQLException | RuntimeException e) {
        opened.close();
        throw e;
      }
      connection = opened;
    }
    return connection;
  }

  /**
   * How the session the intents are written on commits, as the server reports it ({@code off} when
   * the flush is deferred); opens that session if none is held.
   */
  String sessionSynchronousCommit() throws SQLException {
    try (Statement statement = connection().createStatement();
        ResultSet setting =
            statement.executeQuery("select current_setting('synchronous_commit')")) {
      setting.next();
      return setting.getString(1);
    }
  }

  /**
   * Gives the connection back to the pool with the session's settings as the pool expects them. If
   * even that fails, the session is broken, and the pool destroys a connection whose statement
   * failed that way instead of lending it again.
   */
  void discardConnection() {
    Connection held = connection;
    connection = null;
    if (held == null) {
      return;
    }
    try (held;
        Statement statement = held.createStatement()) {
      if (!flushBeforeForward) {
        statement.execute("reset synchronous_commit");
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debugf("Audit intent connection dropped: %s", e.getMessage());
    }
  }
}
