package dev.airlock.approval;

/** What became of a reviewer's decision. */
public sealed interface DecisionResult {

  /** The vote counted; {@code view} shows whether it made the request final. */
  record Recorded(ApprovalView view) implements DecisionResult {}

  /** The request was already final; {@code view} says who decided it and how. */
  record AlreadyDecided(ApprovalView view) implements DecisionResult {}

  /** This reviewer may not decide this request; nothing was recorded. */
  record NotAllowed(String why) implements DecisionResult {}

  /** The command itself is wrong (e.g. edited arguments fail the tool's schema). */
  record Invalid(String why) implements DecisionResult {}

  record NotFound(String id) implements DecisionResult {}
}
