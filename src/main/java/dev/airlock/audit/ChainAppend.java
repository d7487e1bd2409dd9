package dev.airlock.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Links entries onto the end of the hash chain inside the caller's transaction. A
 * transaction-scoped advisory lock serializes appends, so the chain stays linear across replicas.
 * Event ids are unique in the chain: an append of an id already there fails, and a spool replay
 * drops such events first ({@link #storedAmong}).
 */
final class ChainAppend {

  private static final long CHAIN_LOCK = 0x4149524C4F434BL; // "AIRLOCK"

  private static final String INSERT =
      "insert into audit_event (id, at, kind, decision_id, agent, grant_id, owner, session_id, upstream, tool,"
          + " args_digest, args, policy_version, rule_id, decision, reason, reviewers, channel, wait_ms, upstream_ms,"
          + " outcome, details, prev_hash, hash) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

  private final ObjectMapper json;

  ChainAppend(ObjectMapper json) {
    this.json = json;
  }

  /** Appends entries under fresh ids. */
  void append(Connection connection, List<AuditEntry> entries) throws SQLException {
    append(connection, entries, Collections.nCopies(entries.size(), null));
  }

  /**
   * Appends entries; {@code ids.get(i)} is the id of {@code entries.get(i)}, or null for a fresh
   * one.
   */
  void append(Connection connection, List<AuditEntry> entries, List<String> ids)
      throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
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
      for (int e = 0; e < entries.size(); e++) {
        String id = ids.get(e);
        StoredEvent event =
            link(entries.get(e), previous, id == null ? UUID.randomUUID().toString() : id);
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

  /** Of these ids (nulls ignored), the ones some event in the chain already has. */
  static Set<String> storedAmong(Connection connection, Collection<String> ids)
      throws SQLException {
    Object[] given = ids.stream().filter(Objects::nonNull).toArray();
    Set<String> stored = new HashSet<>();
    if (given.length == 0) {
      return stored;
    }
    try (PreparedStatement select =
        connection.prepareStatement("select id from audit_event where id = any(?)")) {
      select.setArray(1, connection.createArrayOf("varchar", given));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          stored.add(rows.getString(1));
        }
      }
    }
    return stored;
  }

  private StoredEvent link(AuditEntry e, String previous, String id) {
    StoredEvent unhashed =
        new StoredEvent(
            0,
            id,
            (e.at() == null ? Instant.now() : e.at()).truncatedTo(ChronoUnit.MICROS),
            StorableText.of(e.kind()),
            StorableText.of(e.decisionId()),
            StorableText.of(e.agent()),
            StorableText.of(e.grantId()),
            StorableText.of(e.owner()),
            StorableText.of(e.sessionId()),
            StorableText.of(e.upstream()),
            StorableText.of(e.tool()),
            StorableText.of(e.argumentsDigest()),
            e.arguments() == null ? null : e.arguments().toString(),
            StorableText.of(e.policyVersion()),
            StorableText.of(e.ruleId()),
            StorableText.of(e.decision()),
            StorableText.of(e.reason()),
            e.reviewers() == null || e.reviewers().isEmpty() ? null : write(e.reviewers()),
            StorableText.of(e.channel()),
            e.waitMillis(),
            e.upstreamMillis(),
            StorableText.of(e.outcome()),
            e.details() == null ? null : e.details().toString(),
            previous,
            null);
    return unhashed.withHash(unhashed.computeHash(previous));
  }

  private static void setLong(PreparedStatement statement, int index, Long value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, value);
    }
  }

  /** The entry as JSON, for an intent's {@code ifLost} event. */
  String serialize(AuditEntry entry) {
    return write(entry);
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
