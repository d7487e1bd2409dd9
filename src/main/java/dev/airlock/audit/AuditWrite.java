package dev.airlock.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One write the audit writer owes the database: a call's intent, or an event for the chain. */
sealed interface AuditWrite {

  /**
   * A call is about to be forwarded. {@code ifLost} is the event recorded for it should Airlock
   * stop before the call's own event settles this intent.
   */
  record Intent(String id, Instant recordedAt, AuditEntry ifLost) implements AuditWrite {}

  /**
   * An event for the chain. {@code id} is the event's id when the caller gives one, else null for a
   * fresh one: a call's event carries the call's id, which is also its intent's, so the event's
   * presence in the chain is what settles the intent (see {@link AuditIntentRecovery}).
   */
  record Event(AuditEntry entry, String id) implements AuditWrite {}

  /**
   * Stores intents alone in one statement on an auto-commit connection: one round trip to the
   * database, atomic, and durable when it returns (an intent is on the agent's path).
   */
  static void storeIntents(Connection connection, List<Intent> intents, ChainAppend chain)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("insert into audit_intent (id, recorded_at, entry) values ");
    for (int i = 0; i < intents.size(); i++) {
      sql.append(i == 0 ? "(?,?,?)" : ",(?,?,?)");
    }
    sql.append(" on conflict do nothing");
    try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
      int p = 1;
      for (Intent intent : intents) {
        insert.setString(p++, intent.id());
        insert.setTimestamp(p++, Timestamp.from(intent.recordedAt()));
        insert.setString(p++, chain.serialize(intent.ifLost()));
      }
      insert.executeUpdate();
    }
  }

  /**
   * The writes without the events whose id the chain already has, or that an earlier write in the
   * list has: a spooled batch may have been committed although its writer saw an error (the
   * commit's answer lost), and replaying it must add nothing.
   */
  static List<AuditWrite> notYetStored(Connection connection, List<AuditWrite> writes)
      throws SQLException {
    Set<String> seen =
        ChainAppend.storedAmong(
            connection,
            writes.stream()
                .filter(Event.class::isInstance)
                .map(write -> ((Event) write).id())
                .toList());
    return writes.stream()
        .filter(
            write -> !(write instanceof Event event && event.id() != null && !seen.add(event.id())))
        .toList();
  }

  /** Stores the writes in the caller's transaction. */
  static void store(Connection connection, List<AuditWrite> writes, ChainAppend chain)
      throws SQLException {
    List<AuditEntry> events = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into audit_intent (id, recorded_at, entry) values (?,?,?) on conflict do nothing")) {
      boolean any = false;
      for (AuditWrite write : writes) {
        if (write instanceof Intent intent) {
          insert.setString(1, intent.id());
          insert.setTimestamp(2, Timestamp.from(intent.recordedAt()));
          insert.setString(3, chain.serialize(intent.ifLost()));
          insert.addBatch();
          any = true;
        } else {
          Event event = (Event) write;
          events.add(event.entry());
          ids.add(event.id());
        }
      }
      if (any) {
        insert.executeBatch();
      }
    }
    chain.append(connection, events, ids);
  }
}
