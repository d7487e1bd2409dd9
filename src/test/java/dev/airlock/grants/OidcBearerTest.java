package dev.airlock.grants;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.airlock.guard.Caller;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OAuth 2.1 bearer JWTs from an issuer whose keys are served on loopback. */
class OidcBearerTest {

  private static final String ISSUER = "https://issuer.example";

  private HttpServer jwks;
  private RsaJsonWebKey key;
  private Vertx vertx;
  private JwtVerifier verifier;

  @BeforeEach
  void issuer() throws Exception {
    key = RsaJwkGenerator.generateJwk(2048);
    key.setKeyId("k1");
    byte[] body = new JsonWebKeySet(key).toJson().getBytes(StandardCharsets.UTF_8);
    jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    jwks.createContext(
        "/jwks",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    jwks.start();
    vertx = Vertx.vertx();
    verifier = new JwtVerifier();
    verifier.vertx = vertx;
    verifier.config = new OidcConfig("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks");
  }

  @AfterEach
  void stop() {
    jwks.stop(0);
    vertx.close();
  }

  @Test
  void aTokenSignedByTheIssuerNamesTheAgentFromItsClaim() throws Exception {
    Optional<Caller> caller = verifier.verify(token(ISSUER, key, 300)).toCompletableFuture().get();
    assertThat(caller).isPresent();
    assertThat(caller.get().agent()).isEqualTo("omics-agent");
    assertThat(caller.get().owner()).isEqualTo("ana");
  }

  @Test
  void foreignIssuerExpiredAndForgedTokensAreRefused() throws Exception {
    RsaJsonWebKey other = RsaJwkGenerator.generateJwk(2048);
    other.setKeyId("k1");
    assertThat(verifier.verify(token("https://evil.example", key, 300)).toCompletableFuture().get())
        .isEmpty();
    assertThat(verifier.verify(token(ISSUER, key, -120)).toCompletableFuture().get()).isEmpty();
    assertThat(verifier.verify(token(ISSUER, other, 300)).toCompletableFuture().get()).isEmpty();
    assertThat(verifier.verify("not-a-jwt").toCompletableFuture().get()).isEmpty();
  }

  private static String token(String issuer, RsaJsonWebKey signer, int expiresInSeconds)
      throws Exception {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setSubject("omics-agent");
    claims.setClaim("owner", "ana");
    claims.setIssuedAtToNow();
    claims.setExpirationTimeMinutesInTheFuture(expiresInSeconds / 60f);
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(signer.getPrivateKey());
    jws.setKeyIdHeaderValue(signer.getKeyId());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    return jws.getCompactSerialization();
  }

  private record OidcConfig(String jwksUrl) implements AuthConfig {
    public Mode mode() {
      return Mode.OIDC;
    }

    public Duration keyCacheTtl() {
      return Duration.ZERO;
    }

    public Optional<String> resourceMetadataUrl() {
      return Optional.empty();
    }

    public Oidc oidc() {
      return new Oidc() {
        public Optional<String> issuer() {
          return Optional.of(ISSUER);
        }

        public Optional<String> audience() {
          return Optional.empty();
        }

        public Optional<String> jwksUrl() {
          return Optional.of(jwksUrl);
        }

        public String agentClaim() {
          return "sub";
        }

        public String ownerClaim() {
          return "owner";
        }
      };
    }
  }
}
