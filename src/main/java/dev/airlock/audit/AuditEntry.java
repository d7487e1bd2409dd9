package dev.airlock.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * One fact for the audit trail, before it is chained and stored.
 *
 * @param kind {@code call}, {@code review} (one reviewer's vote), {@code approval} (a request
 *     became final), or {@code admin}
 * @param decisionId joins a call, its approval request and the reviewers' votes (the approval id
 *     when there is one, else the call's own id)
 * @param arguments the arguments after redaction
 * @param decision e.g. {@code allow}, {@code deny}, {@code limit}, {@code park}, {@code approved}
 * @param outcome {@code ok}, {@code tool_error}, {@code protocol_error}, {@code upstream_error},
 *     {@code gateway_error}, {@code withdrawn}, or null when not forwarded
 */
public record AuditEntry(
    String kind,
    String decisionId,
    String agent,
    String grantId,
    String owner,
    String sessionId,
    String upstream,
    String tool,
    String argumentsDigest,
    JsonNode arguments,
    String policyVersion,
    String ruleId,
    String decision,
    String reason,
    List<String> reviewers,
    String channel,
    Long waitMillis,
    Long upstreamMillis,
    String outcome,
    JsonNode details,
    Instant at) {

  /**
   * An administrator's or the system's action, about no call: an export, a retention run, a policy
   * change.
   *
   * @param by who acted (a user, {@code system}, {@code policy-file})
   * @param channel how: {@code api} or {@code system}
   */
  public static AuditEntry admin(
      String action, String by, String channel, String reason, JsonNode details) {
    return new AuditEntry(
        "admin",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        action,
        reason,
        List.of(by),
        channel,
        null,
        null,
        null,
        details,
        Instant.now());
  }

  /** This entry, about the policy of that version. */
  public AuditEntry withPolicyVersion(String version) {
    return new AuditEntry(
        kind,
        decisionId,
        agent,
        grantId,
        owner,
        sessionId,
        upstream,
        tool,
        argumentsDigest,
        arguments,
        version,
        ruleId,
        decision,
        reason,
        reviewers,
        channel,
        waitMillis,
        upstreamMillis,
        outcome,
        details,
        at);
  }
}
