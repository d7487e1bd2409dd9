package dev.airlock.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The two rules of reviewer OIDC sign-in that need no server: group mapping and where it applies.
 */
class SignInRulesTest {

  private final GroupRoles roles =
      new GroupRoles(
          List.of("airlock-reviewers", "/sre"), List.of("airlock-admins"), List.of("staff"));

  @Test
  void groupsGrantTheirRolesAndAnAdminIsAlsoAReviewer() {
    assertThat(roles.rolesFor(Set.of("/sre"))).containsExactly("reviewer");
    assertThat(roles.rolesFor(Set.of("airlock-admins"))).containsExactly("admin", "reviewer");
    assertThat(roles.rolesFor(Set.of("staff", "airlock-reviewers")))
        .containsExactlyInAnyOrder("reviewer", "viewer");
    assertThat(roles.rolesFor(Set.of("reviewer", "admin"))).as("only configured names").isEmpty();
  }

  @Test
  void oidcAppliesToTheQueueAndToApiCallsThatBringAToken() {
    assertThat(ReviewerPathsOnly.isReviewerRequest("/queue", false)).isTrue();
    assertThat(ReviewerPathsOnly.isReviewerRequest("/queue/abc/decision", false)).isTrue();
    assertThat(ReviewerPathsOnly.isReviewerRequest("/api/approvals", true)).isTrue();

    assertThat(ReviewerPathsOnly.isReviewerRequest("/api/approvals", false)).isFalse();
    assertThat(ReviewerPathsOnly.isReviewerRequest("/queue-assets/queue.css", false)).isFalse();
    assertThat(ReviewerPathsOnly.isReviewerRequest("/mcp/healthomics", true)).isFalse();
    assertThat(ReviewerPathsOnly.isReviewerRequest("/slack/interactions", false)).isFalse();
    assertThat(ReviewerPathsOnly.isReviewerRequest("/q/health/ready", false)).isFalse();
  }
}
