package dev.airlock.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the engine over random policies and calls. */
class PolicyPropertiesTest {

  private static final List<String> ACTIONS = List.of("allow", "deny", "hide", "require_approval");

  record Named(String tool, String action) {}

  @Provide
  Arbitrary<String> toolNames() {
    return Arbitraries.strings()
        .withCharRange('A', 'Z')
        .withCharRange('a', 'z')
        .ofMinLength(1)
        .ofMaxLength(12);
  }

  @Provide
  Arbitrary<List<Named>> rules() {
    return Combinators.combine(toolNames(), Arbitraries.of(ACTIONS))
        .as(Named::new)
        .list()
        .ofMaxSize(30)
        .uniqueElements(Named::tool);
  }

  @Property(tries = 300)
  void aDeniedToolIsNeverLetThrough(
      @ForAll("rules") List<Named> rules,
      @ForAll("toolNames") String denied,
      @ForAll @IntRange(min = 0, max = 50) int batch,
      @ForAll("toolNames") String upstream) {
    // Given: the tool is denied, whatever else the policy says, with conditions that would allow it
    StringBuilder policy = new StringBuilder("{\"default\":\"allow\",\"tools\":{");
    for (Named rule : rules) {
      if (!rule.tool().equals(denied)) {
        policy
            .append('"')
            .append(rule.tool())
            .append("\":{\"action\":\"")
            .append(rule.action())
            .append("\"},");
      }
    }
    policy
        .append('"')
        .append(denied)
        .append("\":{\"action\":\"allow\",\"rules\":[{\"when\":\"true\",\"action\":\"allow\"},")
        .append("{\"when\":\"true\",\"action\":\"deny\",\"reason\":\"never\"}]}}}");
    PolicyEngine engine = engine(policy.toString());

    // When
    Decision decision = engine.decide(request(upstream, denied, batch));

    // Then
    assertThat(decision).isInstanceOf(Decision.Deny.class);
  }

  @Property(tries = 300)
  void defaultDenyHoldsForEveryUnnamedTool(
      @ForAll("rules") List<Named> rules, @ForAll("toolNames") String tool) {
    StringBuilder policy = new StringBuilder("{\"default\":\"deny\",\"tools\":{");
    boolean first = true;
    for (Named rule : rules) {
      if (rule.tool().equals(tool)) {
        continue;
      }
      policy
          .append(first ? "" : ",")
          .append('"')
          .append(rule.tool())
          .append("\":{\"action\":\"")
          .append(rule.action())
          .append("\"}");
      first = false;
    }
    policy.append("}}");
    Decision decision = engine(policy.toString()).decide(request("u", tool, 1));
    assertThat(decision).isInstanceOf(Decision.Deny.class);
    assertThat(decision.ruleId()).isEqualTo("default");
  }

  @Property(tries = 200)
  void aNamedToolGetsExactlyItsAction(@ForAll("rules") List<Named> rules) {
    PolicyEngine engine = engine(document(rules));
    for (Named rule : rules) {
      Decision decision = engine.decide(request("u", rule.tool(), 1));
      Class<?> expected =
          switch (rule.action()) {
            case "allow" -> Decision.Allow.class;
            case "require_approval" -> Decision.Park.class;
            default -> Decision.Deny.class;
          };
      assertThat(decision).as(rule.toString()).isInstanceOf(expected);
      assertThat(decision.ruleId()).isEqualTo("tools." + rule.tool());
    }
  }

  @Property(tries = 200)
  void decisionsAreDeterministic(
      @ForAll("rules") List<Named> rules,
      @ForAll("toolNames") String tool,
      @ForAll @IntRange(max = 20) int batch) {
    PolicyEngine engine = engine(document(rules));
    assertThat(engine.decide(request("u", tool, batch)))
        .isEqualTo(engine.decide(request("u", tool, batch)));
  }

  @Property(tries = 200)
  void hiddenToolsNeverAppearAndApprovalToolsAreMarked(@ForAll("rules") List<Named> rules) {
    PolicyEngine engine = engine(document(rules));
    Set<PolicyEngine.Visibility> seen = new HashSet<>();
    for (Named rule : rules) {
      PolicyEngine.Visibility visibility = engine.visibility("u", rule.tool(), null);
      seen.add(visibility);
      switch (rule.action()) {
        case "hide", "deny" -> assertThat(visibility).isEqualTo(PolicyEngine.Visibility.HIDDEN);
        case "require_approval" ->
            assertThat(visibility).isEqualTo(PolicyEngine.Visibility.NEEDS_APPROVAL);
        default -> assertThat(visibility).isEqualTo(PolicyEngine.Visibility.VISIBLE);
      }
    }
  }

  private static String document(List<Named> rules) {
    StringBuilder policy = new StringBuilder("{\"default\":\"deny\",\"tools\":{");
    for (int i = 0; i < rules.size(); i++) {
      policy
          .append(i == 0 ? "" : ",")
          .append('"')
          .append(rules.get(i).tool())
          .append("\":{\"action\":\"")
          .append(rules.get(i).action())
          .append("\"}");
    }
    return policy.append("}}").toString();
  }

  private static PolicyEngine engine(String json) {
    PolicyParseResult result = PolicyParser.parse(json);
    assertThat(result).as(json).isInstanceOf(PolicyParseResult.Valid.class);
    return new PolicyEngine(((PolicyParseResult.Valid) result).policy());
  }

  private static PolicyRequest request(String upstream, String tool, int batch) {
    ObjectNode args = JsonNodeFactory.instance.objectNode();
    var ids = args.putArray("runIds");
    for (int i = 0; i < batch; i++) {
      ids.add("run-" + i);
    }
    return new PolicyRequest("agent", "grant", "session", upstream, tool, args, null);
  }
}
