package dev.airlock.signin;

import io.quarkus.oidc.OidcRequestContext;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.TenantConfigResolver;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Keeps reviewer OIDC sign-in to the reviewer surfaces: browsers on the queue ({@code /queue},
 * authorization-code flow) and API clients presenting a token on {@code /api/*}. Everywhere else
 * the request gets a disabled tenant, so Quarkus OIDC neither verifies an agent's bearer credential
 * on {@code /mcp/*} as a reviewer token (proactive authentication runs every mechanism on every
 * path, and would refuse an agent's {@code Authorization: Bearer alk_…}) nor sends Slack's signed
 * {@code /slack/interactions}, health or metrics requests to the identity provider. An API request
 * without credentials is not started on the browser flow either: a script cannot follow a redirect
 * to a login page (production also unsets the form login page, so such a request gets 401).
 */
@ApplicationScoped
public class ReviewerPathsOnly implements TenantConfigResolver {

  /** The tenant of every request that is not a reviewer's: OIDC off. */
  static final OidcTenantConfig OUTSIDE =
      OidcTenantConfig.builder().tenantId("not-a-reviewer-request").tenantEnabled(false).build();

  @Override
  public Uni<OidcTenantConfig> resolve(
      RoutingContext routingContext, OidcRequestContext<OidcTenantConfig> requestContext) {
    boolean reviewer =
        isReviewerRequest(
            routingContext.normalizedPath(),
            routingContext.request().headers().contains(HttpHeaders.AUTHORIZATION));
    // null selects the configured (default) tenant: quarkus.oidc.*
    return Uni.createFrom().item(reviewer ? null : OUTSIDE);
  }

  static boolean isReviewerRequest(String path, boolean hasAuthorization) {
    boolean queue = path.equals("/queue") || path.startsWith("/queue/");
    boolean api = path.startsWith("/api/") && hasAuthorization;
    return queue || api;
  }
}
