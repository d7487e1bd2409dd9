package dev.airlock.grants;

import dev.airlock.guard.Caller;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

/**
 * Verifies OAuth 2.1 access tokens (signed JWTs) from an external issuer against its published
 * keys, and maps a claim to the agent. Used when {@code airlock.auth.mode=oidc}.
 */
@ApplicationScoped
public class JwtVerifier {

  private static final Logger LOG = Logger.getLogger(JwtVerifier.class);

  @Inject AuthConfig config;
  @Inject Vertx vertx;

  private volatile JwtConsumer consumer;

  CompletionStage<Optional<Caller>> verify(String token) {
    JwtConsumer verifier = consumer();
    if (verifier == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    // Fetching the key set is blocking HTTP (cached by jose4j after the first time).
    return vertx
        .executeBlocking(
            () -> {
              try {
                JwtClaims claims = verifier.processToClaims(token);
                String agent = claims.getClaimValueAsString(config.oidc().agentClaim());
                if (agent == null) {
                  return Optional.<Caller>empty();
                }
                String owner = claims.getClaimValueAsString(config.oidc().ownerClaim());
                return Optional.of(
                    new Caller(
                        agent,
                        "oidc:" + claims.getSubject(),
                        owner == null ? agent : owner,
                        Set.of()));
              } catch (InvalidJwtException e) {
                LOG.debugf("Rejected bearer token: %s", e.getMessage());
                return Optional.<Caller>empty();
              }
            },
            false)
        .toCompletionStage();
  }

  private JwtConsumer consumer() {
    JwtConsumer current = consumer;
    if (current != null) {
      return current;
    }
    if (config.oidc().jwksUrl().isEmpty() || config.oidc().issuer().isEmpty()) {
      LOG.error(
          "airlock.auth.mode=oidc needs airlock.auth.oidc.issuer and airlock.auth.oidc.jwks-url; refusing every token");
      return null;
    }
    JwtConsumerBuilder builder =
        new JwtConsumerBuilder()
            .setRequireExpirationTime()
            .setAllowedClockSkewInSeconds(30)
            .setRequireSubject()
            .setExpectedIssuer(config.oidc().issuer().get())
            .setVerificationKeyResolver(
                new HttpsJwksVerificationKeyResolver(new HttpsJwks(config.oidc().jwksUrl().get())));
    if (config.oidc().audience().isPresent()) {
      builder.setExpectedAudience(config.oidc().audience().get());
    } else {
      builder.setSkipDefaultAudienceValidation();
    }
    consumer = builder.build();
    return consumer;
  }
}
