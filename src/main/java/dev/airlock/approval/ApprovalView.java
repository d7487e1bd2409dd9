package dev.airlock.approval;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A read-only snapshot of an approval request: what the API returns, what the Kafka topics carry,
 * what Slack and the web queue render.
 *
 * @param arguments the call's arguments after the policy's redaction rules
 * @param argumentsDigest SHA-256 of the canonical (unredacted) arguments the approval is bound to
 * @param approvalsNeeded approvals still missing before the quorum is met
 * @param decidedBy the reviewer (or {@code system}) whose decision made the request final, or null
 */
public record ApprovalView(
    String id,
    ApprovalStatus status,
    String upstream,
    String tool,
    JsonNode arguments,
    String argumentsDigest,
    String agent,
    String owner,
    String grantId,
    String sessionId,
    String risk,
    String ruleId,
    String ruleReason,
    String policyVersion,
    Instant requestedAt,
    Instant expiresAt,
    int quorum,
    int approvalsNeeded,
    ApproverSettings approvers,
    List<ReviewView> reviews,
    String decidedBy,
    Channel decidedVia,
    String decisionReason,
    Instant decidedAt,
    JsonNode editedArguments,
    String traceParent) {}
