package dev.airlock.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;

/** An audit event as stored: the fields the hash covers, in a fixed order. */
public record StoredEvent(
    long seq,
    String id,
    Instant at,
    String kind,
    String decisionId,
    String agent,
    String grantId,
    String owner,
    String sessionId,
    String upstream,
    String tool,
    String argsDigest,
    String args,
    String policyVersion,
    String ruleId,
    String decision,
    String reason,
    String reviewers,
    String channel,
    Long waitMs,
    Long upstreamMs,
    String outcome,
    String details,
    String prevHash,
    String hash) {

  static final String COLUMNS =
      "seq, id, at, kind, decision_id, agent, grant_id, owner, session_id, upstream, tool, args_digest, args,"
          + " policy_version, rule_id, decision, reason, reviewers, channel, wait_ms, upstream_ms, outcome,"
          + " details, prev_hash, hash";

  public static final String[] HEADER = {
    "seq",
    "id",
    "at",
    "kind",
    "decision_id",
    "agent",
    "grant_id",
    "owner",
    "session_id",
    "upstream",
    "tool",
    "args_digest",
    "args",
    "policy_version",
    "rule_id",
    "decision",
    "reason",
    "reviewers",
    "channel",
    "wait_ms",
    "upstream_ms",
    "outcome",
    "details",
    "prev_hash",
    "hash"
  };

  static StoredEvent read(ResultSet row) throws SQLException {
    Timestamp at = row.getTimestamp(3);
    long wait = row.getLong(20);
    boolean waitNull = row.wasNull();
    long upstream = row.getLong(21);
    boolean upstreamNull = row.wasNull();
    return new StoredEvent(
        row.getLong(1),
        row.getString(2),
        at.toInstant(),
        row.getString(4),
        row.getString(5),
        row.getString(6),
        row.getString(7),
        row.getString(8),
        row.getString(9),
        row.getString(10),
        row.getString(11),
        row.getString(12),
        row.getString(13),
        row.getString(14),
        row.getString(15),
        row.getString(16),
        row.getString(17),
        row.getString(18),
        row.getString(19),
        waitNull ? null : wait,
        upstreamNull ? null : upstream,
        row.getString(22),
        row.getString(23),
        row.getString(24),
        row.getString(25));
  }

  /** This event linked to its predecessor with {@code hash}. */
  StoredEvent withHash(String hash) {
    return new StoredEvent(
        seq,
        id,
        at,
        kind,
        decisionId,
        agent,
        grantId,
        owner,
        sessionId,
        upstream,
        tool,
        argsDigest,
        args,
        policyVersion,
        ruleId,
        decision,
        reason,
        reviewers,
        channel,
        waitMs,
        upstreamMs,
        outcome,
        details,
        prevHash,
        hash);
  }

  /** What the hash covers: every exported value but seq and the two hashes. */
  String computeHash(String previous) {
    String[] all = values();
    return ChainHash.of(previous, Arrays.copyOfRange(all, 1, all.length - 2));
  }

  /** This event as one JSON object, the fields named as in {@link #HEADER}, values as exported. */
  public void writeJson(JsonGenerator out) throws IOException {
    String[] values = values();
    out.writeStartObject();
    for (int i = 0; i < values.length; i++) {
      out.writeStringField(HEADER[i], values[i]);
    }
    out.writeEndObject();
  }

  public String[] values() {
    return new String[] {
      Long.toString(seq),
      id,
      at.toString(),
      kind,
      decisionId,
      agent,
      grantId,
      owner,
      sessionId,
      upstream,
      tool,
      argsDigest,
      args,
      policyVersion,
      ruleId,
      decision,
      reason,
      reviewers,
      channel,
      waitMs == null ? null : waitMs.toString(),
      upstreamMs == null ? null : upstreamMs.toString(),
      outcome,
      details,
      prevHash,
      hash
    };
  }
}
