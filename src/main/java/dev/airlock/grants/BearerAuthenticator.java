package dev.airlock.grants;

import dev.airlock.guard.Caller;
import dev.airlock.relay.AgentAuthenticator;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Authenticates agents on {@code /mcp/*} by {@code Authorization: Bearer}: an Airlock key, or an
 * OAuth 2.1 access token, or nobody at all ({@code none}, never in production).
 */
@ApplicationScoped
public class BearerAuthenticator implements AgentAuthenticator {

  private static final Logger LOG = Logger.getLogger(BearerAuthenticator.class);

  private record Cached(Optional<Caller> caller, long until) {}

  @Inject AuthConfig config;
  @Inject GrantService grants;
  @Inject Vertx vertx;
  @Inject JwtVerifier jwt;

  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  void checkMode(@Observes StartupEvent event) {
    if (config.mode() != AuthConfig.Mode.NONE) {
      return;
    }
    // Any active profile list that includes prod (e.g. "prod,oidc") counts as production.
    boolean production =
        LaunchMode.current() == LaunchMode.NORMAL && ConfigUtils.getProfiles().contains("prod");
    if (production) {
      throw new IllegalStateException(
          "airlock.auth.mode=none lets anyone call every upstream; it is refused in the prod profile");
    }
    LOG.warn(
        "airlock.auth.mode=none: every caller is one anonymous agent. For local experiments only.");
  }

  @Override
  public CompletionStage<Result> authenticate(String authorization, String upstream) {
    if (config.mode() == AuthConfig.Mode.NONE) {
      return CompletableFuture.completedFuture(new Result.Authenticated(Caller.ANONYMOUS));
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return refused(401, "invalid_request", "Authorization: Bearer <key> is required");
    }
    String token = authorization.substring(7).trim();
    CompletionStage<Optional<Caller>> caller =
        config.mode() == AuthConfig.Mode.OIDC ? jwt.verify(token) : verifyKey(token);
    return caller.thenCompose(
        found -> {
          if (found.isEmpty()) {
            return refused(
                401, "invalid_token", "The bearer credential is unknown, expired or revoked");
          }
          if (!found.get().mayReach(upstream)) {
            return CompletableFuture.completedFuture(
                (Result)
                    new Result.Refused(
                        403,
                        null,
                        "Grant of agent "
                            + found.get().agent()
                            + " may not reach upstream '"
                            + upstream
                            + "'"));
          }
          return CompletableFuture.completedFuture((Result) new Result.Authenticated(found.get()));
        });
  }

  private CompletionStage<Optional<Caller>> verifyKey(String key) {
    if (!key.startsWith(ApiKeys.PREFIX)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    String hash = ApiKeys.hash(key);
    Cached cached = cache.get(hash);
    if (cached != null && cached.until() > System.nanoTime()) {
      return CompletableFuture.completedFuture(cached.caller());
    }
    // The lookup is a blocking JDBC query: off the event loop.
    return vertx
        .executeBlocking(() -> grants.verify(key), false)
        .toCompletionStage()
        .thenApply(
            caller -> {
              cache.put(
                  hash, new Cached(caller, System.nanoTime() + config.keyCacheTtl().toNanos()));
              return caller;
            });
  }

  private CompletionStage<Result> refused(int status, String error, String message) {
    String challenge =
        "Bearer realm=\"airlock\", error=\""
            + error
            + "\""
            + config
                .resourceMetadataUrl()
                .map(url -> ", resource_metadata=\"" + url + "\"")
                .orElse("");
    return CompletableFuture.completedFuture(new Result.Refused(status, challenge, message));
  }
}
