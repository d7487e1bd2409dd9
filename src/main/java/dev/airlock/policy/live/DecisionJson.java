package dev.airlock.policy.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.policy.ApprovalRule;
import dev.airlock.policy.Decision;
import dev.airlock.policy.LimitRule;
import java.util.List;
import java.util.Locale;

/** A decision as the explain API and CLI show it. */
public final class DecisionJson {

  private DecisionJson() {}

  public static ObjectNode write(Decision decision, ObjectMapper json) {
    ObjectNode out = json.createObjectNode();
    out.put("rule", decision.ruleId());
    out.put("risk", decision.risk().name().toLowerCase(Locale.ROOT));
    out.put("enforced", decision.enforced());
    out.put("policyVersion", decision.policyVersion());
    if (decision instanceof Decision.Allow allow) {
      out.put("decision", "allow");
      limits(out, allow.limits());
    } else if (decision instanceof Decision.Deny deny) {
      out.put("decision", deny.hidden() ? "hide" : "deny");
      out.put("reason", deny.reason());
    } else if (decision instanceof Decision.Park park) {
      out.put("decision", "require_approval");
      out.put("reason", park.reason());
      ApprovalRule approval = park.approval();
      ObjectNode a = out.putObject("approval");
      a.put("quorum", approval.quorum());
      a.put("timeout", approval.timeout().toString());
      a.put("onTimeout", approval.onTimeout().name().toLowerCase(Locale.ROOT));
      a.put("wait", approval.waitMode().name().toLowerCase(Locale.ROOT));
      a.put("ownerMayApprove", approval.ownerMayApprove());
      approval.reviewerGroups().forEach(a.putArray("reviewers")::add);
      limits(out, park.limits());
    } else if (decision instanceof Decision.Limit limit) {
      out.put("decision", "limit");
      out.put("counter", limit.limit().counter());
      out.put("retryAfterSeconds", limit.retryAfter().toSeconds());
    }
    return out;
  }

  private static void limits(ObjectNode out, List<LimitRule> limits) {
    var array = out.putArray("limits");
    for (LimitRule limit : limits) {
      array
          .addObject()
          .put("counter", limit.counter())
          .put("window", limit.window().toString())
          .put("max", limit.max())
          .put("scope", limit.scope().name().toLowerCase(Locale.ROOT));
    }
  }
}
