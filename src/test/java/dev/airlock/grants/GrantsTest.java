package dev.airlock.grants;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.relay.AgentAuthenticator;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Grants through the admin API, and the key authenticator against them. */
@QuarkusTest
class GrantsTest {

  @Inject GrantService grants;
  @Inject Vertx vertx;
  @Inject JwtVerifier jwt;

  private BearerAuthenticator keys;

  @BeforeEach
  void keysMode() {
    keys = new BearerAuthenticator();
    keys.config = new FixedConfig(AuthConfig.Mode.KEYS);
    keys.grants = grants;
    keys.vertx = vertx;
    keys.jwt = jwt;
  }

  @Test
  void issuingShowsTheKeyOnceAndListingNeverShowsIt() {
    JsonPath issued =
        given()
            .auth()
            .preemptive()
            .basic("admin", "admin")
            .contentType("application/json")
            .body("{\"agent\":\"omics-bot\",\"owner\":\"ana\",\"upstreams\":[\"healthomics\"]}")
            .post("/api/grants")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    String key = issued.getString("key");
    assertThat(key).startsWith("alk_").hasSize(44);

    String listing =
        given()
            .auth()
            .preemptive()
            .basic("admin", "admin")
            .get("/api/grants")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(listing).contains("omics-bot").doesNotContain(key);
  }

  @Test
  void onlyAdminsManageGrants() {
    given()
        .auth()
        .preemptive()
        .basic("reviewer", "reviewer")
        .get("/api/grants")
        .then()
        .statusCode(403);
  }

  @Test
  void aKeyAuthenticatesItsAgentForItsUpstreamsOnly() throws Exception {
    GrantService.Issued issued =
        grants.issue("omics-bot", "ana", Set.of("healthomics"), null, "test");

    AgentAuthenticator.Result ok = authenticate("Bearer " + issued.key(), "healthomics");
    AgentAuthenticator.Result otherUpstream = authenticate("Bearer " + issued.key(), "billing");

    assertThat(ok).isInstanceOf(AgentAuthenticator.Result.Authenticated.class);
    assertThat(((AgentAuthenticator.Result.Authenticated) ok).caller().agent())
        .isEqualTo("omics-bot");
    assertThat(((AgentAuthenticator.Result.Authenticated) ok).caller().owner()).isEqualTo("ana");
    assertThat(otherUpstream).isInstanceOf(AgentAuthenticator.Result.Refused.class);
    assertThat(((AgentAuthenticator.Result.Refused) otherUpstream).status()).isEqualTo(403);
  }

  @Test
  void missingOrUnknownKeysGet401WithAChallenge() throws Exception {
    AgentAuthenticator.Result missing = authenticate(null, "healthomics");
    AgentAuthenticator.Result unknown =
        authenticate("Bearer alk_notarealkeynotarealkeynotarealkey0000", "healthomics");
    for (AgentAuthenticator.Result result : new AgentAuthenticator.Result[] {missing, unknown}) {
      assertThat(result).isInstanceOf(AgentAuthenticator.Result.Refused.class);
      AgentAuthenticator.Result.Refused refused = (AgentAuthenticator.Result.Refused) result;
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.wwwAuthenticate()).startsWith("Bearer realm=\"airlock\"");
    }
  }

  @Test
  void aRevokedKeyStopsWorking() throws Exception {
    GrantService.Issued issued = grants.issue("short-lived", "ben", Set.of(), null, "test");
    grants.revoke(issued.grant().id(), "test");
    assertThat(authenticate("Bearer " + issued.key(), "healthomics"))
        .isInstanceOf(AgentAuthenticator.Result.Refused.class);
  }

  private AgentAuthenticator.Result authenticate(String header, String upstream) throws Exception {
    return keys.authenticate(header, upstream).toCompletableFuture().get();
  }

  private record FixedConfig(Mode mode) implements AuthConfig {
    public Duration keyCacheTtl() {
      return Duration.ZERO;
    }

    public Optional<String> resourceMetadataUrl() {
      return Optional.empty();
    }

    public Oidc oidc() {
      return null;
    }
  }
}
