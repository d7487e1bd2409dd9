package dev.airlock.approval;

/** Where a decision came from. */
public enum Channel {
  API,
  SLACK,
  QUEUE,
  /** Expiry and cancellation: nobody decided, time or the client did. */
  SYSTEM
}
