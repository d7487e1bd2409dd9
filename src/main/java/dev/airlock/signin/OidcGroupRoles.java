package dev.airlock.signin;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Adds Airlock's {@code reviewer}/{@code admin}/{@code viewer} roles to reviewers signed in with
 * OIDC, from the groups their identity provider put in the token. The raw groups stay on the
 * identity, so a policy rule's {@code reviewers} may name IdP groups directly. Embedded-store users
 * carry their roles already and are left alone.
 */
@ApplicationScoped
public class OidcGroupRoles implements SecurityIdentityAugmentor {

  @Inject SignInSettings settings;

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken)) {
      return Uni.createFrom().item(identity);
    }
    Set<String> roles = GroupRoles.of(settings).rolesFor(identity.getRoles());
    if (identity.getRoles().containsAll(roles)) {
      return Uni.createFrom().item(identity);
    }
    return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity).addRoles(roles).build());
  }
}
