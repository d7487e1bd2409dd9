package dev.airlock.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static final String SEED =
      """
      {
        "version": "1",
        "default": "deny",
        "tools": {
          "CancelAHORunBatch": {
            "limits": [
              { "counter": "cancelahorunbatch_rate", "window": "minute", "max": 60, "scope": "grant" }
            ]
          }
        }
      }
      """;

  @Test
  void seedDocumentAllowsCancelWithItsLimit() {
    // Given
    PolicyEngine engine = engine(SEED);

    // When
    Decision decision = engine.decide(request("CancelAHORunBatch", "{\"runIds\":[\"r1\"]}"));

    // Then
    assertThat(decision).isInstanceOf(Decision.Allow.class);
    Decision.Allow allow = (Decision.Allow) decision;
    assertThat(allow.ruleId()).isEqualTo("tools.CancelAHORunBatch");
    assertThat(allow.limits())
        .containsExactly(
            new LimitRule(
                "cancelahorunbatch_rate", Duration.ofMinutes(1), 60, LimitRule.Scope.GRANT));
  }

  @Test
  void seedDocumentDeniesEveryToolItDoesNotName() {
    Decision decision = engine(SEED).decide(request("DeleteAHORunBatch", "{}"));
    assertThat(decision).isInstanceOf(Decision.Deny.class);
    assertThat(decision.ruleId()).isEqualTo("default");
  }

  @Test
  void denyCarriesItsReason() {
    PolicyEngine engine =
        engine(
            "{\"tools\":{\"DeleteAHORunBatch\":{\"action\":\"deny\",\"reason\":\"never delete runs\"}}}");
    Decision.Deny deny = (Decision.Deny) engine.decide(request("DeleteAHORunBatch", "{}"));
    assertThat(deny.reason()).isEqualTo("never delete runs");
    assertThat(deny.hidden()).isFalse();
  }

  @Test
  void hideIsADenialThatAlsoHidesTheTool() {
    PolicyEngine engine =
        engine("{\"default\":\"allow\",\"tools\":{\"Drop*\":{\"action\":\"hide\"}}}");
    assertThat(((Decision.Deny) engine.decide(request("DropTable", "{}"))).hidden()).isTrue();
    assertThat(engine.visibility("u", "DropTable", null)).isEqualTo(PolicyEngine.Visibility.HIDDEN);
  }

  @Test
  void requireApprovalParksWithTheRuleApprovalSettings() {
    PolicyEngine engine =
        engine(
            "{\"tools\":{\"CancelAHORunBatch\":{\"action\":\"require_approval\",\"reason\":\"cancels runs\","
                + "\"approval\":{\"quorum\":2,\"timeout\":\"10m\",\"wait\":\"retry\",\"reviewers\":[\"omics-oncall\"],"
                + "\"slack_users\":[\"U1\"],\"owner_may_approve\":false,\"redact\":[\"/token\"]}}}}");
    Decision.Park park = (Decision.Park) engine.decide(request("CancelAHORunBatch", "{}"));
    assertThat(park.reason()).isEqualTo("cancels runs");
    assertThat(park.approval().quorum()).isEqualTo(2);
    assertThat(park.approval().timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(park.approval().waitMode()).isEqualTo(ApprovalRule.WaitMode.RETRY);
    assertThat(park.approval().reviewerGroups()).containsExactly("omics-oncall");
    assertThat(park.approval().slackUsers()).containsExactly("U1");
    assertThat(park.approval().ownerMayApprove()).isFalse();
    assertThat(park.approval().redact()).containsExactly("/token");
    assertThat(park.approval().onTimeout()).isEqualTo(ApprovalRule.TimeoutAction.DENY);
  }

  @Test
  void exactNameBeatsPatternAndLongerPatternBeatsShorter() {
    PolicyEngine engine =
        engine(
            "{\"tools\":{\"*\":{\"action\":\"deny\"},\"Delete*\":{\"action\":\"require_approval\"},"
                + "\"DeleteAHO*\":{\"action\":\"allow\"},\"DeleteAHORunBatch\":{\"action\":\"hide\"}}}");
    assertThat(engine.decide(request("DeleteAHORunBatch", "{}")).ruleId())
        .isEqualTo("tools.DeleteAHORunBatch");
    assertThat(engine.decide(request("DeleteAHOWorkflow", "{}")).ruleId())
        .isEqualTo("tools.DeleteAHO*");
    assertThat(engine.decide(request("DeleteBucket", "{}")).ruleId()).isEqualTo("tools.Delete*");
    assertThat(engine.decide(request("ListAHORuns", "{}")).ruleId()).isEqualTo("tools.*");
  }

  @Test
  void conditionOnArgumentsRequiresApprovalOnlyForLargeBatches() {
    PolicyEngine engine =
        engine(
            "{\"tools\":{\"CancelAHORunBatch\":{\"action\":\"allow\",\"rules\":["
                + "{\"when\":\"size(args.runIds) > 10\",\"action\":\"require_approval\",\"reason\":\"large batch\"}]}}}");
    assertThat(engine.decide(request("CancelAHORunBatch", "{\"runIds\":[\"a\",\"b\"]}")))
        .isInstanceOf(Decision.Allow.class);
    Decision big = engine.decide(request("CancelAHORunBatch", runIds(11)));
    assertThat(big).isInstanceOf(Decision.Park.class);
    assertThat(big.ruleId()).isEqualTo("tools.CancelAHORunBatch.rules[0]");
    assertThat(((Decision.Park) big).reason()).isEqualTo("large batch");
  }

  @Test
  void conditionDeniesARegionOutsideTheList() {
    PolicyEngine engine =
        engine(
            "{\"tools\":{\"StartAHORun\":{\"rules\":[{\"when\":\"!(args.region in ['us-east-1','eu-west-1'])\","
                + "\"action\":\"deny\",\"reason\":\"region not approved\"}]}}}");
    assertThat(engine.decide(request("StartAHORun", "{\"region\":\"eu-west-1\"}")))
        .isInstanceOf(Decision.Allow.class);
    Decision.Deny deny =
        (Decision.Deny) engine.decide(request("StartAHORun", "{\"region\":\"ap-south-1\"}"));
    assertThat(deny.reason()).isEqualTo("region not approved");
  }

  @Test
  void aMatchingDenyWinsOverAnEarlierMatchingAllow() {
    PolicyEngine engine =
        engine(
            "{\"tools\":{\"T\":{\"action\":\"require_approval\",\"rules\":["
                + "{\"when\":\"true\",\"action\":\"allow\"},{\"when\":\"args.x == 1\",\"action\":\"deny\"}]}}}");
    assertThat(engine.decide(request("T", "{\"x\":1}"))).isInstanceOf(Decision.Deny.class);
    assertThat(engine.decide(request("T", "{\"x\":2}"))).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void aConditionThatCannotBeEvaluatedFailsClosed() {
    PolicyEngine engine =
        engine(
            "{\"default\":\"allow\",\"tools\":{\"T\":{\"rules\":[{\"when\":\"size(args.runIds) > 10\",\"action\":\"allow\"}]}}}");
    Decision decision = engine.decide(request("T", "{}"));
    assertThat(decision).isInstanceOf(Decision.Deny.class);
    assertThat(((Decision.Deny) decision).reason()).contains("could not be evaluated");
  }

  @Test
  void riskClassAppliesToToolsNotNamed() {
    PolicyEngine engine =
        engine(
            "{\"default\":\"allow\",\"risk_classes\":{\"high\":{\"action\":\"require_approval\"}},"
                + "\"tools\":{\"DeleteScratch\":{\"action\":\"allow\"}}}");
    Decision cancel = engine.decide(request("CancelAHORunBatch", "{}"));
    assertThat(cancel).isInstanceOf(Decision.Park.class);
    assertThat(cancel.ruleId()).isEqualTo("risk_classes.high");
    assertThat(cancel.risk()).isEqualTo(Risk.HIGH);
    assertThat(engine.decide(request("DeleteScratch", "{}"))).isInstanceOf(Decision.Allow.class);
    assertThat(engine.decide(request("ListAHORuns", "{}"))).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void riskComesFromAnnotationsWhenTheVerbSaysNothing() throws Exception {
    PolicyEngine engine =
        engine("{\"default\":\"allow\",\"risk_classes\":{\"high\":{\"action\":\"deny\"}}}");
    JsonNode destructive = JSON.readTree("{\"destructiveHint\":true}");
    Decision decision =
        engine.decide(
            new PolicyRequest("a", "g", "s", "u", "PurgeIt", JSON.readTree("{}"), destructive));
    assertThat(decision.risk()).isEqualTo(Risk.HIGH);
    Decision archive =
        engine.decide(
            new PolicyRequest("a", "g", "s", "u", "ArchiveRuns", JSON.readTree("{}"), destructive));
    assertThat(archive).isInstanceOf(Decision.Deny.class);
  }

  @Test
  void policyRiskOverrideBeatsClassification() {
    PolicyEngine engine =
        engine(
            "{\"default\":\"allow\",\"risk_classes\":{\"high\":{\"action\":\"deny\"}},"
                + "\"tools\":{\"CancelDryRun\":{\"risk\":\"low\"}}}");
    Decision decision = engine.decide(request("CancelDryRun", "{}"));
    assertThat(decision.risk()).isEqualTo(Risk.LOW);
    assertThat(decision).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void upstreamSectionComesBeforeTheTopLevel() {
    PolicyEngine engine =
        engine(
            "{\"default\":\"deny\",\"tools\":{\"ListAHORuns\":{\"action\":\"allow\"}},"
                + "\"upstreams\":{\"healthomics\":{\"default\":\"require_approval\",\"tools\":{\"ListAHORuns\":{\"action\":\"hide\"}}}}}");
    assertThat(engine.decide(requestOn("healthomics", "ListAHORuns")).ruleId())
        .isEqualTo("upstreams.healthomics.tools.ListAHORuns");
    assertThat(engine.decide(requestOn("other", "ListAHORuns"))).isInstanceOf(Decision.Allow.class);
    assertThat(engine.decide(requestOn("healthomics", "Anything")))
        .isInstanceOf(Decision.Park.class);
    assertThat(engine.decide(requestOn("other", "Anything"))).isInstanceOf(Decision.Deny.class);
  }

  @Test
  void monitorModeDecidesButDoesNotEnforce() {
    Decision decision =
        engine("{\"mode\":\"monitor\",\"default\":\"deny\"}").decide(request("X", "{}"));
    assertThat(decision).isInstanceOf(Decision.Deny.class);
    assertThat(decision.enforced()).isFalse();
  }

  @Test
  void policyVersionIsTheHashOfTheCanonicalDocument() {
    String a =
        engine("{\"default\":\"deny\",\"version\":\"1\"}")
            .decide(request("X", "{}"))
            .policyVersion();
    String b =
        engine("{ \"version\": \"1\",  \"default\": \"deny\" }")
            .decide(request("X", "{}"))
            .policyVersion();
    String c = engine("{\"default\":\"allow\"}").decide(request("X", "{}")).policyVersion();
    assertThat(a).isEqualTo(b).hasSize(64).isNotEqualTo(c);
  }

  @Test
  void visibilityMarksToolsThatNeedApprovalAndHidesDenied() {
    PolicyEngine engine =
        engine(
            "{\"default\":\"deny\",\"tools\":{\"ListAHORuns\":{},\"CancelAHORunBatch\":{\"action\":\"require_approval\"},"
                + "\"StartAHORun\":{\"rules\":[{\"when\":\"size(args) > 3\",\"action\":\"require_approval\"}]}}}");
    assertThat(engine.visibility("u", "ListAHORuns", null))
        .isEqualTo(PolicyEngine.Visibility.VISIBLE);
    assertThat(engine.visibility("u", "CancelAHORunBatch", null))
        .isEqualTo(PolicyEngine.Visibility.NEEDS_APPROVAL);
    assertThat(engine.visibility("u", "StartAHORun", null))
        .isEqualTo(PolicyEngine.Visibility.NEEDS_APPROVAL);
    assertThat(engine.visibility("u", "DeleteAHORunBatch", null))
        .isEqualTo(PolicyEngine.Visibility.HIDDEN);
  }

  @Test
  void deniedToolsStayVisibleWhenHidingIsSwitchedOff() {
    PolicyEngine engine = engine("{\"default\":\"deny\",\"hide_denied_tools\":false}");
    assertThat(engine.visibility("u", "X", null)).isEqualTo(PolicyEngine.Visibility.VISIBLE);
  }

  static PolicyEngine engine(String json) {
    PolicyParseResult result = PolicyParser.parse(json);
    assertThat(result).as("%s", result).isInstanceOf(PolicyParseResult.Valid.class);
    return new PolicyEngine(((PolicyParseResult.Valid) result).policy());
  }

  static PolicyRequest request(String tool, String arguments) {
    try {
      return new PolicyRequest(
          "agent-1", "grant-1", "s-1", "healthomics", tool, JSON.readTree(arguments), null);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static PolicyRequest requestOn(String upstream, String tool) {
    return new PolicyRequest(
        "agent-1", "grant-1", "s-1", upstream, tool, JSON.createObjectNode(), null);
  }

  private static String runIds(int count) {
    StringBuilder ids = new StringBuilder("{\"runIds\":[");
    for (int i = 0; i < count; i++) {
      ids.append(i == 0 ? "" : ",").append("\"r").append(i).append('"');
    }
    return ids.append("]}").toString();
  }
}
