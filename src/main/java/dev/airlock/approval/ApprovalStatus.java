package dev.airlock.approval;

/** The life of an approval request. It leaves PENDING exactly once. */
public enum ApprovalStatus {
  PENDING,
  APPROVED,
  DENIED,
  EXPIRED,
  CANCELLED;

  public boolean isFinal() {
    return this != PENDING;
  }
}
