package dev.airlock.audit;

import java.util.concurrent.CompletionStage;

/** Where every audited fact goes. */
public interface AuditTrail {

  /**
   * Appends synchronously in the caller's transaction (or its own when there is none): when this
   * returns, the entry is durable, or will be with the caller's commit. For decisions, which a
   * human waits on.
   */
  void append(AuditEntry entry);

  /**
   * Appends without blocking the caller (calls on the hot path); the stage completes once the entry
   * is committed. Entries are group-committed: see docs/audit.md.
   */
  CompletionStage<Void> appendAsync(AuditEntry entry);

  /**
   * As {@link #appendAsync(AuditEntry)} for a forwarded call's event, stored under the call's id (a
   * call goes upstream at most once): it settles the call's intent, which has the same id.
   */
  CompletionStage<Void> appendAsync(AuditEntry entry, String callId);

  /**
   * As {@link #appendAsync(AuditEntry, String)} for an event nobody waits for (its durable intent
   * already answers for the call): it may wait up to {@code airlock.audit.settle-linger} for other
   * events to share its commit.
   */
  CompletionStage<Void> settleLater(AuditEntry entry, String callId);

  /**
   * Records, before a call is forwarded, that it is about to be: if Airlock stops before an event
   * with the call's id is in the chain, {@code ifLost} is appended in its place. Completes once
   * durable.
   */
  CompletionStage<Void> recordIntent(String callId, AuditEntry ifLost);
}
