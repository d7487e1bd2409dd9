package dev.airlock.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.NullValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decides what happens to a call under one {@link Policy}: a pure function of the policy and the
 * request, with the rule that decided named in the result.
 *
 * <p>Precedence: the upstream's section before the top level; within one level an exact tool name,
 * then the tool pattern with the most literal characters, then the tool's risk class, then the
 * default. Inside the chosen rule, its conditions are tried in order: any matching condition that
 * denies wins, otherwise the first matching one, otherwise the rule's own action.
 */
public final class PolicyEngine {

  /** How a tool appears in {@code tools/list}. */
  public enum Visibility {
    VISIBLE,
    HIDDEN,
    NEEDS_APPROVAL
  }

  private final Policy policy;
  private final ToolIndex topLevel;
  private final Map<String, ToolIndex> sections = new HashMap<>();

  public PolicyEngine(Policy policy) {
    this.policy = policy;
    this.topLevel = new ToolIndex(policy.tools());
    policy
        .upstreams()
        .forEach((name, section) -> sections.put(name, new ToolIndex(section.tools())));
  }

  /** Exact names by hash, then patterns in precedence order: a decision never scans every rule. */
  private static final class ToolIndex {
    private final Map<String, Rule> exact = new HashMap<>();
    private final List<ToolRule> patterns = new ArrayList<>();

    ToolIndex(List<ToolRule> rules) {
      for (ToolRule rule : rules) {
        if (rule.pattern().exact()) {
          exact.put(rule.pattern().text(), rule.rule());
        } else {
          patterns.add(rule);
        }
      }
    }

    Optional<Rule> match(String tool) {
      Rule named = exact.get(tool);
      if (named != null) {
        return Optional.of(named);
      }
      for (ToolRule rule : patterns) {
        if (rule.pattern().matches(tool)) {
          return Optional.of(rule.rule());
        }
      }
      return Optional.empty();
    }
  }

  public Policy policy() {
    return policy;
  }

  public Decision decide(PolicyRequest request) {
    Risk classified = RiskClassifier.classify(request.tool(), request.annotations());
    Rule rule = ruleFor(request.upstream(), request.tool(), classified);
    Risk risk = rule.risk() != null ? rule.risk() : classified;
    Action action = rule.action();
    String reason = rule.reason();
    ApprovalRule approval = rule.approval();
    String ruleId = rule.id();
    if (!rule.conditions().isEmpty()) {
      Map<String, Object> variables = variables(request, risk);
      Rule.ConditionalRule firstMatch = null;
      Rule.ConditionalRule denyingMatch = null;
      for (Rule.ConditionalRule conditional : rule.conditions()) {
        boolean holds;
        try {
          holds = conditional.condition().test(variables);
        } catch (IllegalStateException e) {
          // An expression that cannot be evaluated (missing argument, wrong type) fails closed.
          return new Decision.Deny(
              conditional.id(),
              policy.hash(),
              risk,
              policy.enforce(),
              "condition '"
                  + conditional.condition().source()
                  + "' could not be evaluated: "
                  + e.getMessage(),
              false);
        }
        if (holds) {
          if (firstMatch == null) {
            firstMatch = conditional;
          }
          if (denyingMatch == null && conditional.action().denies()) {
            denyingMatch = conditional;
          }
        }
      }
      Rule.ConditionalRule chosen = denyingMatch != null ? denyingMatch : firstMatch;
      if (chosen != null) {
        action = chosen.action();
        ruleId = chosen.id();
        reason = chosen.reason() != null ? chosen.reason() : reason;
        approval = chosen.approval() != null ? chosen.approval() : approval;
      }
    }
    return switch (action) {
      case ALLOW ->
          new Decision.Allow(ruleId, policy.hash(), risk, policy.enforce(), rule.limits());
      case DENY, HIDE ->
          new Decision.Deny(
              ruleId, policy.hash(), risk, policy.enforce(), reason, action == Action.HIDE);
      case REQUIRE_APPROVAL ->
          new Decision.Park(
              ruleId,
              policy.hash(),
              risk,
              policy.enforce(),
              reason,
              approval != null ? approval : ApprovalSettingsDefaults.DEFAULT,
              rule.limits());
    };
  }

  /** How a tool should appear to an agent listing tools, before any arguments are known. */
  public Visibility visibility(String upstream, String tool, JsonNode annotations) {
    Risk classified = RiskClassifier.classify(tool, annotations);
    Rule rule = ruleFor(upstream, tool, classified);
    boolean someConditionMayAllow = false;
    boolean someConditionNeedsApproval = false;
    for (Rule.ConditionalRule conditional : rule.conditions()) {
      someConditionMayAllow |= !conditional.action().denies();
      someConditionNeedsApproval |= conditional.action() == Action.REQUIRE_APPROVAL;
    }
    if (rule.action() == Action.HIDE && !someConditionMayAllow) {
      return Visibility.HIDDEN;
    }
    if (rule.action() == Action.DENY && policy.hideDeniedTools() && !someConditionMayAllow) {
      return Visibility.HIDDEN;
    }
    if (rule.action() == Action.REQUIRE_APPROVAL || someConditionNeedsApproval) {
      return Visibility.NEEDS_APPROVAL;
    }
    return Visibility.VISIBLE;
  }

  private Rule ruleFor(String upstream, String tool, Risk risk) {
    Policy.Section section = policy.upstreams().get(upstream);
    if (section != null) {
      Optional<Rule> named = sections.get(upstream).match(tool);
      if (named.isPresent()) {
        return named.get();
      }
    }
    Optional<Rule> named = topLevel.match(tool);
    if (named.isPresent()) {
      return named.get();
    }
    if (section != null && section.riskClasses().containsKey(risk)) {
      return section.riskClasses().get(risk);
    }
    if (policy.riskClasses().containsKey(risk)) {
      return policy.riskClasses().get(risk);
    }
    if (section != null && section.defaultRule().isPresent()) {
      return section.defaultRule().get();
    }
    return policy.defaultRule();
  }

  private static Map<String, Object> variables(PolicyRequest request, Risk risk) {
    Map<String, Object> variables = new HashMap<>();
    Object args = toCel(request.arguments());
    variables.put("args", args == null ? Map.of() : args);
    variables.put("tool", request.tool());
    variables.put("upstream", request.upstream());
    variables.put("agent", request.agent() == null ? "" : request.agent());
    variables.put("risk", risk.name().toLowerCase(Locale.ROOT));
    return variables;
  }

  /** JSON to the values CEL works with: maps, lists, int64, double, string, bool, null. */
  static Object toCel(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        map.put(field.getKey(), toCel(field.getValue()));
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(element -> list.add(toCel(element)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
