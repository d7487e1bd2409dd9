package dev.airlock.signin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/**
 * How identity-provider groups become Airlock roles when reviewers sign in with OIDC. The groups
 * come from the token claim named by {@code quarkus.oidc.roles.role-claim-path}.
 */
@ConfigMapping(prefix = "airlock.sign-in")
public interface SignInSettings {

  /** Groups whose members may decide ({@code reviewer}). */
  @WithDefault("reviewer")
  List<String> reviewerGroups();

  /** Groups whose members administer Airlock ({@code admin}, which includes {@code reviewer}). */
  @WithDefault("admin")
  List<String> adminGroups();

  /** Groups whose members may look at the queue but not decide ({@code viewer}). */
  @WithDefault("viewer")
  List<String> viewerGroups();
}
