package dev.airlock.audit;

/** Where every audited fact goes. */
public interface AuditTrail {

  /**
   * Appends synchronously in the caller's transaction (or its own when there is none): when this
   * returns, the entry is durable, or will be with the caller's commit. For decisions, which a
   * human waits on.
   */
  void append(AuditEntry entry);

  /**
   * Appends without blocking the caller (allowed calls on the hot path). Durability is documented
   * in docs/audit.md.
   */
  void appendAsync(AuditEntry entry);
}
