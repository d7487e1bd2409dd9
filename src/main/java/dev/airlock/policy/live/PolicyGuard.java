package dev.airlock.policy.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.guard.Guard;
import dev.airlock.guard.GuardContext;
import dev.airlock.guard.ToolCall;
import dev.airlock.guard.ToolError;
import dev.airlock.guard.ToolListing;
import dev.airlock.guard.Verdict;
import dev.airlock.policy.Decision;
import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.PolicyRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * First in the chain: decides every call with the policy in force and shares the decision. Denials
 * are answered here; allowed and parked calls go on to the limits and approval guards. In monitor
 * mode everything goes on.
 */
@ApplicationScoped
public class PolicyGuard implements Guard {

  static final String APPROVAL_NOTE = " (requires human approval via Airlock)";

  private final ActivePolicy policy;

  @Inject
  public PolicyGuard(ActivePolicy policy) {
    this.policy = policy;
  }

  @Override
  public String name() {
    return "policy";
  }

  @Override
  public CompletionStage<Verdict> onToolCall(ToolCall call, GuardContext context) {
    Decision decision =
        policy
            .engine()
            .decide(
                new PolicyRequest(
                    call.caller().agent(),
                    call.caller().grantId(),
                    call.sessionId(),
                    call.upstream(),
                    call.tool(),
                    call.arguments(),
                    call.annotations()));
    context.put(Decision.class, decision);
    if (decision instanceof Decision.Deny deny && deny.enforced()) {
      return CompletableFuture.completedFuture(Verdict.respond(denial(deny)));
    }
    return CompletableFuture.completedFuture(Verdict.forward(call));
  }

  @Override
  public ArrayNode onToolsList(ToolListing listing, ArrayNode tools) {
    PolicyEngine engine = policy.engine();
    if (!engine.policy().enforce()) {
      return tools;
    }
    ArrayNode shown = JsonNodeFactory.instance.arrayNode();
    for (JsonNode tool : tools) {
      String name = tool.path("name").asText();
      PolicyEngine.Visibility visibility =
          engine.visibility(listing.upstream(), name, tool.get("annotations"));
      if (visibility == PolicyEngine.Visibility.HIDDEN) {
        continue;
      }
      if (visibility == PolicyEngine.Visibility.NEEDS_APPROVAL
          && tool instanceof ObjectNode object) {
        object.put("description", object.path("description").asText("") + APPROVAL_NOTE);
        ObjectNode meta =
            object.get("_meta") instanceof ObjectNode existing
                ? existing
                : object.putObject("_meta");
        meta.put("airlock/requiresApproval", true);
      }
      shown.add(tool);
    }
    return shown;
  }

  /** The tool result an agent gets for a denied call: text a model can act on, details in _meta. */
  static ObjectNode denial(Decision.Deny deny) {
    String reason = deny.reason() == null ? "not allowed" : deny.reason();
    ObjectNode result = ToolError.of("Denied by policy rule " + deny.ruleId() + ": " + reason);
    ObjectNode details = result.putObject("_meta").putObject("airlock/decision");
    details.put("decision", "deny");
    details.put("rule", deny.ruleId());
    details.put("reason", reason);
    details.put("policyVersion", deny.policyVersion());
    return result;
  }
}
