package dev.airlock.signin;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which Airlock roles a set of identity-provider groups grants. An admin is also a reviewer, as in
 * the embedded user store, so both sign-ins mean the same thing to the queue and the API.
 */
public record GroupRoles(
    List<String> reviewerGroups, List<String> adminGroups, List<String> viewerGroups) {

  public static GroupRoles of(SignInSettings settings) {
    return new GroupRoles(
        settings.reviewerGroups(), settings.adminGroups(), settings.viewerGroups());
  }

  /** The Airlock roles the groups grant (possibly none). */
  public Set<String> rolesFor(Collection<String> groups) {
    Set<String> roles = new LinkedHashSet<>();
    if (intersects(groups, adminGroups)) {
      roles.add("admin");
      roles.add("reviewer");
    }
    if (intersects(groups, reviewerGroups)) {
      roles.add("reviewer");
    }
    if (intersects(groups, viewerGroups)) {
      roles.add("viewer");
    }
    return roles;
  }

  private static boolean intersects(Collection<String> groups, List<String> wanted) {
    return wanted.stream().anyMatch(groups::contains);
  }
}
