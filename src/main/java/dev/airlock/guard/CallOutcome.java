package dev.airlock.guard;

/** How a {@code tools/call} ended, as the audit trail and the metrics see it. */
public enum CallOutcome {
  /** Forwarded; the upstream answered a result without {@code isError}. */
  OK,
  /** Forwarded; the upstream answered a result with {@code isError: true}. */
  TOOL_ERROR,
  /** Forwarded; the upstream answered a JSON-RPC error. */
  PROTOCOL_ERROR,
  /** A guard answered (denied, rate-limited, approval refused, task handle, ...). */
  ANSWERED_BY_GUARD,
  /** The upstream could not be reached, refused or timed out. */
  UPSTREAM_ERROR,
  /** Airlock itself failed (a guard's stage failed); the call was not forwarded. */
  GATEWAY_ERROR,
  /** The client withdrew the call before it finished. */
  WITHDRAWN,
  /**
   * Forwarded, but Airlock stopped before the upstream's answer was recorded: what the audit trail
   * says of a call whose intent was never settled.
   */
  UNKNOWN
}
