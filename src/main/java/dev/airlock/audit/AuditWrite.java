package dev.airlock.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One write the audit writer owes the database: a call's intent, or an event for the chain. */
sealed interface AuditWrite {

  /**
   * A call is about to be forwarded. {@code ifLost} is the event recorded for it should Airlock
   * stop before the call's own event settles this intent.
   */
  record Intent(String id, Instant recordedAt, AuditEntry ifLost) implements AuditWrite {}

  /** An event for the chain; {@code settles} names the intent it replaces, or is null. */
  record Event(AuditEntry entry, String settles) implements AuditWrite {}

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

  /** Stores the writes in the caller's transaction, intents first so an event can settle one. */
  static void store(Connection connection, List<AuditWrite> writes, ChainAppend chain)
      throws SQLException {
    List<AuditEntry> events = new ArrayList<>();
    List<String> settled = new ArrayList<>();
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
          if (event.settles() != null) {
            settled.add(event.settles());
          }
        }
      }
      if (any) {
        insert.executeBatch();
      }
    }
    chain.append(connection, events);
    ChainAppend.settle(connection, settled);
  }
}
