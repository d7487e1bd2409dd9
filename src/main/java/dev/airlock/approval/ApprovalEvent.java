package dev.airlock.approval;

/**
 * Fired as a CDI event on every replica whenever a request is created, gains a vote, or becomes
 * final, whichever replica caused it (it comes off the Kafka topics). The web queue uses it for
 * live updates; nothing on the decision path depends on it.
 */
public record ApprovalEvent(Kind kind, ApprovalView view) {

  public enum Kind {
    REQUESTED,
    REVIEWED,
    DECIDED
  }
}
