package dev.airlock.policy;

import java.util.List;

/**
 * What the policy says for one tool, one risk class, or the default.
 *
 * @param id where it stands in the document, e.g. {@code tools.CancelAHORunBatch}
 * @param conditions conditional overrides, tried in order
 * @param risk the policy's risk override for the tool, or null to classify it
 */
public record Rule(
    String id,
    Action action,
    String reason,
    List<LimitRule> limits,
    ApprovalRule approval,
    List<ConditionalRule> conditions,
    Risk risk) {

  /**
   * A conditional override inside a rule: when {@code condition} holds, {@code action} applies
   * instead (with this reason and approval settings, or the rule's).
   */
  public record ConditionalRule(
      String id, Condition condition, Action action, String reason, ApprovalRule approval) {}
}
