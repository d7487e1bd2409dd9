package dev.airlock.restapi;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests the REST API refuses: each gets its status and a JSON body saying what was wrong. */
@QuarkusTest
class ClientErrorBodiesTest {

  @Test
  void aBodyThatIsNotJsonSaysWhereItBreaks() {
    String error = refused(as("reviewer").body("{\"decision\": approve}").post(decision()), 400);
    assertThat(error).startsWith("the body is not valid JSON: ").contains("(line 1, column 14)");
  }

  @Test
  void anUnclosedBodySaysWhereWithoutJacksonsSourceNote() {
    String error =
        refused(as("admin").body("{\"upstreams\": [\"healthomics\"").post("/api/grants"), 400);
    assertThat(error).contains("start marker at [line: 1, column: 15]").doesNotContain("Source");
  }

  @Test
  void aFieldOfTheWrongTypeIsNamed() {
    String error =
        refused(
            as("reviewer")
                .body("{\"decision\":\"approve\",\"arguments\":\"all of them\"}")
                .post(decision()),
            400);
    assertThat(error).startsWith("`arguments` must be an object");
  }

  @Test
  void aBodyThatIsNotAnObjectIsSaidSo() {
    assertThat(refused(as("reviewer").body("[\"approve\"]").post(decision()), 400))
        .startsWith("the body must be an object");
  }

  @Test
  void aDateThatIsNotOneShowsTheFormat() {
    String error =
        refused(
            as("admin")
                .body("{\"agent\":\"bot\",\"owner\":\"ana\",\"expiresAt\":\"tomorrow\"}")
                .post("/api/grants"),
            400);
    assertThat(error).startsWith("`expiresAt` must be a date and time").contains("ISO 8601");
  }

  @Test
  void aReasonGivenByTheResourceReachesTheCaller() {
    String error = refused(as("reviewer").get("/api/approvals?status=MAYBE"), 400);
    assertThat(error).contains("PENDING").contains("CANCELLED");
  }

  @Test
  void aQueryParameterThatIsNotANumberIsABadRequestNotAMissingResource() {
    assertThat(refused(as("reviewer").get("/api/approvals?limit=ten"), 400))
        .startsWith("a parameter must be a number")
        .contains("ten");
  }

  @Test
  void anUnknownApiPathIsA404WithABody() {
    assertThat(refused(as("reviewer").get("/api/no-such-thing"), 404)).isNotBlank();
  }

  @Test
  void theWrongMethodKeepsItsStatus() {
    assertThat(refused(as("reviewer").put("/api/approvals"), 405)).isNotBlank();
  }

  @Test
  void aNulInThePathOrQueryIsRefusedBeforeItReachesTheDatabase() {
    for (String path :
        List.of(
            "/api/approvals?tool=%00",
            "/api/approvals?agent=a%00b", "/api/approvals/%00", "/api/audit/export?agent=%00")) {
      assertThat(refused(as("admin").urlEncodingEnabled(false).get(path), 400))
          .as(path)
          .contains("%00");
    }
  }

  @Test
  void aGrantNameTheDatabaseCannotKeepIsRefusedWithWhy() {
    assertThat(
            refused(
                as("admin").body("{\"agent\":\"a\\u0000b\",\"owner\":\"ana\"}").post("/api/grants"),
                400))
        .contains("control characters");
    assertThat(
            refused(
                as("admin")
                    .body("{\"agent\":\"" + "a".repeat(201) + "\",\"owner\":\"ana\"}")
                    .post("/api/grants"),
                400))
        .contains("at most 200 characters");
  }

  private static String decision() {
    return "/api/approvals/00000000-0000-0000-0000-000000000000/decision";
  }

  private static RequestSpecification as(String user) {
    return given().auth().preemptive().basic(user, user).contentType("application/json");
  }

  private static String refused(Response response, int status) {
    response.then().statusCode(status).contentType("application/json");
    return response.jsonPath().getString("error");
  }
}
