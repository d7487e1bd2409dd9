package dev.airlock.restapi;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAPI document tells a client every answer of the reviewers' API, refusals included. */
@QuarkusTest
class OpenApiContractTest {

  private static final String ERROR = "#/components/schemas/Error";

  private JsonNode paths;
  private JsonNode schemas;

  // Each test reads it: RestAssured points at the test's Quarkus only once a test runs.
  @BeforeEach
  void read() throws Exception {
    JsonNode document =
        new ObjectMapper()
            .readTree(
                given()
                    .queryParam("format", "json")
                    .get("/q/openapi")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString());
    paths = document.path("paths");
    schemas = document.path("components").path("schemas");
  }

  @Test
  void aDecisionDocumentsEachOutcomeOfTheDecisionService() {
    JsonNode responses = paths.path("/api/approvals/{id}/decision").path("post").path("responses");
    assertThat(schemaOf(responses, "200")).isEqualTo("#/components/schemas/ApprovalView");
    for (String refusal : new String[] {"400", "403", "404", "409", "422"}) {
      assertThat(schemaOf(responses, refusal)).as("the %s answer", refusal).isEqualTo(ERROR);
    }
  }

  @Test
  void readingApprovalsDocumentsTheirRefusals() {
    assertThat(schemaOf(paths.path("/api/approvals").path("get").path("responses"), "400"))
        .isEqualTo(ERROR);
    assertThat(schemaOf(paths.path("/api/approvals/{id}").path("get").path("responses"), "404"))
        .isEqualTo(ERROR);
  }

  @Test
  void issuingAGrantAnswers201() {
    JsonNode responses = paths.path("/api/grants").path("post").path("responses");
    assertThat(responses.has("201")).isTrue();
    assertThat(responses.has("200")).isFalse();
    assertThat(schemaOf(responses, "400")).isEqualTo(ERROR);
  }

  @Test
  void aRefusalDocumentedWithoutABodyGetsTheErrorBodyButSignInRefusalsDoNot() {
    JsonNode explain = paths.path("/api/policy/explain").path("post").path("responses");
    assertThat(schemaOf(explain, "400")).isEqualTo(ERROR);
    assertThat(explain.path("401").has("content")).isFalse();
    assertThat(explain.path("403").has("content")).isFalse();
  }

  @Test
  void theErrorSchemaIsTheBodyRefusalsCarry() {
    assertThat(schemas.path("Error").path("properties").path("error").path("type").asText())
        .isEqualTo("string");
  }

  private static String schemaOf(JsonNode responses, String status) {
    return responses
        .path(status)
        .path("content")
        .path("application/json")
        .path("schema")
        .path("$ref")
        .asText();
  }
}
