package dev.airlock.testing;

import static io.restassured.RestAssured.given;

import io.restassured.response.ValidatableResponse;

/** A decision posted through the REST API, as a reviewer's tool would, by a local-run user. */
public final class ReviewerDecisions {

  private ReviewerDecisions() {}

  /**
   * @param user a user of the test's embedded store, whose password is its name
   * @param body the decision, e.g. {@code {"decision":"approve"}}
   */
  public static ValidatableResponse post(String user, String approvalId, String body) {
    return given()
        .auth()
        .preemptive()
        .basic(user, user)
        .contentType("application/json")
        .body(body)
        .post("/api/approvals/" + approvalId + "/decision")
        .then();
  }
}
