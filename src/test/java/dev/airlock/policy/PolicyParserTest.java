package dev.airlock.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyParserTest {

  @Test
  void reportsEveryMistakeWithItsPathAndLine() {
    // Given
    String document =
        """
        {
          "default": "maybe",
          "tools": {
            "CancelAHORunBatch": {
              "limits": [
                { "counter": "c", "window": "fortnight", "max": 0, "scope": "planet" }
              ]
            }
          }
        }
        """;

    // When
    List<PolicyError> errors = errors(document);

    // Then
    assertThat(errors)
        .extracting(PolicyError::path)
        .containsExactlyInAnyOrder(
            "$.default",
            "$.tools.CancelAHORunBatch.limits[0].window",
            "$.tools.CancelAHORunBatch.limits[0].max",
            "$.tools.CancelAHORunBatch.limits[0].scope");
    PolicyError window = find(errors, "$.tools.CancelAHORunBatch.limits[0].window");
    assertThat(window.line()).isEqualTo(6);
    assertThat(window.message()).contains("fortnight");
    assertThat(find(errors, "$.default").line()).isEqualTo(2);
  }

  @Test
  void brokenJsonNamesTheLine() {
    List<PolicyError> errors = errors("{\n  \"default\": \"deny\",\n  \"tools\": { ,\n}");
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).line()).isEqualTo(3);
    assertThat(errors.get(0).message()).startsWith("not valid JSON");
  }

  @Test
  void anUnclosedArraySaysWhereItOpenedWithoutJacksonsSourceNote() {
    PolicyError error = errors("{\"tools\": [1,2").get(0);
    assertThat(error.message())
        .contains("start marker at [line: 1, column: 11]")
        .doesNotContain("Source");
  }

  @Test
  void unknownFieldsAreMistakesSoTyposCannotSilentlyAllow() {
    List<PolicyError> errors = errors("{\"tools\":{\"T\":{\"acton\":\"deny\"}}}");
    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.path()).isEqualTo("$.tools.T.acton");
              assertThat(e.message()).contains("unknown field");
            });
  }

  @Test
  void celExpressionsAreCompiledWhenThePolicyLoads() {
    List<PolicyError> errors =
        errors(
            "{\"tools\":{\"T\":{\"rules\":[{\"when\":\"size(args.runIds) >\",\"action\":\"deny\"}]}}}");
    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.path()).isEqualTo("$.tools.T.rules[0].when");
              assertThat(e.message()).startsWith("invalid CEL expression");
            });
  }

  @Test
  void aNonBooleanConditionIsRefused() {
    assertThat(errors("{\"tools\":{\"T\":{\"rules\":[{\"when\":\"1 + 2\",\"action\":\"deny\"}]}}}"))
        .extracting(PolicyError::path)
        .containsExactly("$.tools.T.rules[0].when");
  }

  @Test
  void aSharedCounterMustBeDeclaredTheSameWayEverywhere() {
    String document =
        "{\"tools\":{\"A\":{\"limits\":[{\"counter\":\"c\",\"window\":\"minute\",\"max\":5}]},"
            + "\"B\":{\"limits\":[{\"counter\":\"c\",\"window\":\"hour\",\"max\":5}]}}}";
    assertThat(errors(document))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("shared"));
  }

  @Test
  void durationsAcceptNamesShortFormsAndIso() {
    String document =
        "{\"tools\":{\"A\":{\"limits\":[{\"counter\":\"a\",\"window\":\"90s\",\"max\":5},{\"counter\":\"b\",\"window\":\"PT2H\",\"max\":5},"
            + "{\"counter\":\"c\",\"window\":\"day\",\"max\":5}]}}}";
    assertThat(PolicyParser.parse(document)).isInstanceOf(PolicyParseResult.Valid.class);
  }

  @Test
  void defaultCannotBeHide() {
    assertThat(errors("{\"default\":\"hide\"}"))
        .extracting(PolicyError::path)
        .containsExactly("$.default");
  }

  @Test
  void redactEntriesMustBeJsonPointers() {
    assertThat(
            errors(
                "{\"tools\":{\"T\":{\"action\":\"require_approval\",\"approval\":{\"redact\":[\"token\"]}}}}"))
        .extracting(PolicyError::path)
        .containsExactly("$.tools.T.approval.redact[0]");
  }

  private static List<PolicyError> errors(String document) {
    PolicyParseResult result = PolicyParser.parse(document);
    assertThat(result).isInstanceOf(PolicyParseResult.Invalid.class);
    return ((PolicyParseResult.Invalid) result).errors();
  }

  private static PolicyError find(List<PolicyError> errors, String path) {
    return errors.stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
  }
}
