package dev.airlock.audit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.policy.live.ActivePolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Policy changes (applied or refused, and monitor/enforce switches) are admin audit events. */
@ApplicationScoped
public class PolicyChangeAudit {

  @Inject AuditTrail trail;

  void on(@Observes ActivePolicy.Changed change) {
    ObjectNode details = JsonNodeFactory.instance.objectNode();
    details.put("source", change.current().source());
    details.put("previousVersion", change.previous().engine().policy().hash());
    details.put("version", change.current().engine().policy().hash());
    boolean wasEnforced = change.previous().engine().policy().enforce();
    boolean enforced = change.current().engine().policy().enforce();
    String action;
    if (change.refusal() != null) {
      action = "policy change refused";
      var errors = details.putArray("errors");
      change.refusal().errors().forEach(e -> errors.add(e.toString()));
    } else if (wasEnforced != enforced) {
      action = enforced ? "policy mode switched to enforce" : "policy mode switched to monitor";
    } else {
      action = "policy changed";
    }
    try {
      trail.append(
          AuditEntry.admin(action, "policy-file", "system", null, details)
              .withPolicyVersion(change.current().engine().policy().hash()));
    } catch (RuntimeException e) {
      // The database is away: the change itself is logged by ActivePolicy.
    }
  }
}
