package dev.airlock.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * A small OpenID provider on loopback for the reviewer sign-in tests: discovery, JWKS (an RSA key
 * made at start), an authorization endpoint that signs in whoever {@code login_hint} names (no
 * login page: the test plays the user), and a token endpoint that checks the client's secret and
 * the code's redirect URI, then returns a signed ID token and access token carrying the user's
 * {@code groups}.
 *
 * <p>Used as a Quarkus test resource, so it runs before Airlock boots; Airlock's config gets its
 * URL, client id and secret.
 */
public class FakeOidcProvider implements QuarkusTestResourceLifecycleManager {

  public static final String CLIENT_ID = "airlock";
  public static final String CLIENT_SECRET = "fake-idp-client-secret-at-least-32-characters";

  /** The people this provider knows, with the groups it vouches for. */
  public static final Map<String, List<String>> USERS =
      Map.of(
          "rita", List.of("airlock-reviewers", "staff"),
          "vic", List.of("airlock-viewers", "staff"),
          "adam", List.of("airlock-admins"));

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Grant(String user, String clientId, String redirectUri, String nonce) {}

  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private HttpServer server;
  private RsaJsonWebKey key;
  private String issuer;

  @Override
  public Map<String, String> start() {
    try {
      key = RsaJwkGenerator.generateJwk(2048);
      key.setKeyId("idp-" + UUID.randomUUID());
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (JoseException | IOException e) {
      throw new IllegalStateException(e);
    }
    issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/idp";
    server.createContext("/idp/.well-known/openid-configuration", this::discovery);
    server.createContext("/idp/jwks", this::jwks);
    server.createContext("/idp/authorize", this::authorize);
    server.createContext("/idp/token", this::token);
    server.start();
    return Map.of(
        "quarkus.oidc.auth-server-url", issuer,
        "quarkus.oidc.client-id", CLIENT_ID,
        "quarkus.oidc.credentials.secret", CLIENT_SECRET);
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private void discovery(HttpExchange exchange) throws IOException {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("issuer", issuer);
    metadata.put("authorization_endpoint", issuer + "/authorize");
    metadata.put("token_endpoint", issuer + "/token");
    metadata.put("jwks_uri", issuer + "/jwks");
    metadata.put("response_types_supported", List.of("code"));
    metadata.put("subject_types_supported", List.of("public"));
    metadata.put("id_token_signing_alg_values_supported", List.of("RS256"));
    metadata.put(
        "token_endpoint_auth_methods_supported",
        List.of("client_secret_basic", "client_secret_post"));
    reply(exchange, 200, "application/json", JSON.writeValueAsString(metadata));
  }

  private void jwks(HttpExchange exchange) throws IOException {
    reply(exchange, 200, "application/json", new JsonWebKeySet(key).toJson());
  }

  /** Signs in the {@code login_hint} user and sends the browser back with a code. */
  private void authorize(HttpExchange exchange) throws IOException {
    Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
    String user = query.get("login_hint");
    String redirectUri = query.get("redirect_uri");
    if (!CLIENT_ID.equals(query.get("client_id"))
        || !"code".equals(query.get("response_type"))
        || redirectUri == null
        || query.get("state") == null
        || !query.getOrDefault("scope", "").contains("openid")
        || !USERS.containsKey(user)) {
      reply(exchange, 400, "text/plain", "bad authorization request: " + query);
      return;
    }
    String code = UUID.randomUUID().toString();
    codes.put(code, new Grant(user, CLIENT_ID, redirectUri, query.get("nonce")));
    String location =
        redirectUri
            + (redirectUri.contains("?") ? "&" : "?")
            + "code="
            + code
            + "&state="
            + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Location", location);
    reply(exchange, 302, "text/plain", "");
  }

  /** Exchanges a code (once) for tokens, after checking the client and the redirect URI. */
  private void token(HttpExchange exchange) throws IOException {
    Map<String, String> body =
        form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    if (!clientAuthenticated(exchange, body)) {
      reply(exchange, 401, "application/json", "{\"error\":\"invalid_client\"}");
      return;
    }
    Grant grant = body.get("code") == null ? null : codes.remove(body.get("code"));
    if (!"authorization_code".equals(body.get("grant_type"))
        || grant == null
        || !grant.redirectUri().equals(body.get("redirect_uri"))) {
      reply(exchange, 400, "application/json", "{\"error\":\"invalid_grant\"}");
      return;
    }
    Map<String, Object> tokens = new LinkedHashMap<>();
    tokens.put("access_token", sign(claims(grant, false)));
    tokens.put("id_token", sign(claims(grant, true)));
    tokens.put("token_type", "Bearer");
    tokens.put("expires_in", 300);
    reply(exchange, 200, "application/json", JSON.writeValueAsString(tokens));
  }

  private static boolean clientAuthenticated(HttpExchange exchange, Map<String, String> body) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization != null && authorization.startsWith("Basic ")) {
      String decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
      return decoded.equals(
          URLEncoder.encode(CLIENT_ID, StandardCharsets.UTF_8)
              + ":"
              + URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8));
    }
    return CLIENT_ID.equals(body.get("client_id"))
        && CLIENT_SECRET.equals(body.get("client_secret"));
  }

  private JwtClaims claims(Grant grant, boolean idToken) {
    JwtClaims claims = new JwtClaims();
    claims.setIssuer(issuer);
    claims.setAudience(grant.clientId());
    claims.setSubject("sub-" + grant.user());
    claims.setClaim("preferred_username", grant.user());
    claims.setClaim("email", grant.user() + "@example.org");
    claims.setStringListClaim("groups", USERS.get(grant.user()));
    claims.setIssuedAtToNow();
    claims.setExpirationTimeMinutesInTheFuture(5);
    claims.setGeneratedJwtId();
    if (idToken && grant.nonce() != null) {
      claims.setClaim("nonce", grant.nonce());
    }
    if (!idToken) {
      claims.setClaim("scope", "openid");
    }
    return claims;
  }

  private String sign(JwtClaims claims) {
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setKey(key.getPrivateKey());
    jws.setKeyIdHeaderValue(key.getKeyId());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    try {
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> form(String encoded) {
    Map<String, String> values = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return values;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      values.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return values;
  }

  private static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }
}
