package dev.airlock.policy;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of evaluating a policy for one call: a value, carrying the rule that made it.
 *
 * <p>The engine itself returns {@link Allow}, {@link Deny} or {@link Park}. {@link Limit} is made
 * by the rate-limit check when an allowed call would exceed one of its {@link LimitRule}s.
 */
public sealed interface Decision {

  /** Id of the rule that decided, e.g. {@code tools.CancelAHORunBatch} or {@code default}. */
  String ruleId();

  /** Hash of the policy document that decided. */
  String policyVersion();

  Risk risk();

  /** False in {@code monitor} mode: the decision is recorded, but the call is forwarded anyway. */
  boolean enforced();

  /** {@code allow}, {@code deny}, {@code hide}, {@code limit} or {@code park}. */
  default String label() {
    if (this instanceof Allow) {
      return "allow";
    }
    if (this instanceof Deny deny) {
      return deny.hidden() ? "hide" : "deny";
    }
    return this instanceof Limit ? "limit" : "park";
  }

  /** Forward the call, after counting it against {@code limits}. */
  record Allow(
      String ruleId, String policyVersion, Risk risk, boolean enforced, List<LimitRule> limits)
      implements Decision {}

  /**
   * Never forward.
   *
   * @param hidden the rule's action was {@code hide}: the tool is also absent from {@code
   *     tools/list}
   */
  record Deny(
      String ruleId,
      String policyVersion,
      Risk risk,
      boolean enforced,
      String reason,
      boolean hidden)
      implements Decision {}

  /** A limit was exceeded; retry after {@code retryAfter}. */
  record Limit(
      String ruleId,
      String policyVersion,
      Risk risk,
      boolean enforced,
      LimitRule limit,
      Duration retryAfter)
      implements Decision {}

  /** Hold the call until a human approves it. */
  record Park(
      String ruleId,
      String policyVersion,
      Risk risk,
      boolean enforced,
      String reason,
      ApprovalRule approval,
      List<LimitRule> limits)
      implements Decision {}
}
