package dev.airlock.queue;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.builder.ResponseSpecBuilder;
import io.restassured.response.Response;
import io.restassured.specification.ResponseSpecification;
import java.io.StringReader;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
class QueueSecurityTest {

  @Test
  void theQueueNeedsASignIn() {
    Response response = given().redirects().follow(false).get("/queue");
    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.header("Location")).endsWith("/queue/login");
  }

  @Test
  void aDecisionPostWithoutTheFormsTokenIsRefused() {
    String cookie = signIn("reviewer");
    given()
        .redirects()
        .follow(false)
        .cookie("airlock-session", cookie)
        .contentType("application/x-www-form-urlencoded")
        .formParam("decision", "approve")
        .post("/queue/00000000-0000-0000-0000-000000000000/decision")
        .then()
        .statusCode(403)
        .body(containsString("CSRF check failed"))
        .spec(QUEUE_PAGE);
  }

  @Test
  void anUnknownRequestIsA404PageOfTheQueue() {
    given()
        .cookie("airlock-session", signIn("reviewer"))
        .get("/queue/00000000-0000-0000-0000-000000000000")
        .then()
        .statusCode(404)
        .body(containsString("No approval request 00000000-0000-0000-0000-000000000000"))
        .spec(QUEUE_PAGE);
  }

  @Test
  void aFilterThatCannotMatchIsA400PageSayingWhy() {
    String cookie = signIn("reviewer");
    given()
        .cookie("airlock-session", cookie)
        .get("/queue/history?status=maybe")
        .then()
        .statusCode(400)
        .body(containsString("status must be one of"))
        .spec(QUEUE_PAGE);
    for (String path :
        List.of("/queue/rows?tool=%00", "/queue/history?agent=a%00b", "/queue/%00")) {
      given()
          .urlEncodingEnabled(false)
          .cookie("airlock-session", cookie)
          .get(path)
          .then()
          .statusCode(400)
          .body(containsString("must not contain %00"))
          .spec(QUEUE_PAGE);
    }
  }

  // A refusal is a page of the queue with the way back, not a bare line of text.
  private static final ResponseSpecification QUEUE_PAGE =
      new ResponseSpecBuilder()
          .expectHeader("Content-Type", containsString("text/html"))
          .expectBody(containsString("href=\"/queue\""))
          .expectBody(containsString("Back to the queue"))
          .build();

  @Test
  void csrfTokensAreBoundToTheReviewer() {
    CsrfTokens tokens = new CsrfTokens("secret");
    assertThat(tokens.isValid("ana", tokens.tokenFor("ana"))).isTrue();
    assertThat(tokens.isValid("ben", tokens.tokenFor("ana"))).isFalse();
    assertThat(new CsrfTokens("other").isValid("ana", tokens.tokenFor("ana"))).isFalse();
  }

  @Test
  void theHistorysExportIsForAdminsSignedInToTheQueue() throws Exception {
    String csv =
        given()
            .cookie("airlock-session", signIn("admin"))
            .get("/queue/history/export?tool=ListAHORuns")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    List<CSVRecord> rows =
        CSVFormat.RFC4180.builder().setHeader().build().parse(new StringReader(csv)).getRecords();
    assertThat(csv.lines().findFirst().orElse("")).contains("tool").contains("hash");
    assertThat(rows).allMatch(row -> row.get("tool").equals("ListAHORuns"));

    given()
        .redirects()
        .follow(false)
        .cookie("airlock-session", signIn("reviewer"))
        .get("/queue/history/export")
        .then()
        .statusCode(403);
  }

  private static String signIn(String user) {
    return given()
        .redirects()
        .follow(false)
        .contentType("application/x-www-form-urlencoded")
        .formParam("j_username", user)
        .formParam("j_password", user)
        .post("/j_security_check")
        .then()
        .statusCode(302)
        .extract()
        .cookie("airlock-session");
  }
}
