package dev.airlock.policy.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PolicyResourceTest {

  @Test
  void showsThePolicyInForceWithItsVersion() {
    JsonPath policy =
        given()
            .auth()
            .preemptive()
            .basic("reviewer", "reviewer")
            .get("/api/policy")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(policy.getString("version")).hasSize(64);
    assertThat(policy.getString("mode")).isEqualTo("enforce");
    assertThat(policy.getMap("document.tools")).containsKey("CancelAHORunBatch");
  }

  @Test
  void explainsADecisionAndTheRuleThatMadeIt() {
    JsonPath decision =
        given()
            .auth()
            .preemptive()
            .basic("reviewer", "reviewer")
            .contentType("application/json")
            .body(
                "{\"agent\":\"a\",\"upstream\":\"healthomics\",\"tool\":\"DeleteAHORunBatch\",\"arguments\":{\"runIds\":[\"r\"]}}")
            .post("/api/policy/explain")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(decision.getString("decision")).isEqualTo("deny");
    assertThat(decision.getString("rule")).isEqualTo("tools.DeleteAHORunBatch");
    assertThat(decision.getString("risk")).isEqualTo("high");
  }

  @Test
  void explainNeedsAToolAndASignedInReviewer() {
    given()
        .auth()
        .preemptive()
        .basic("reviewer", "reviewer")
        .contentType("application/json")
        .body("{\"agent\":\"a\"}")
        .post("/api/policy/explain")
        .then()
        .statusCode(400);
    given().get("/api/policy").then().statusCode(401);
    given().auth().preemptive().basic("viewer", "viewer").get("/api/policy").then().statusCode(403);
  }
}
