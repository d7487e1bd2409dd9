package dev.airlock.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.grants.GrantService;
import dev.airlock.testing.FakeOidcProvider;
import dev.airlock.testing.McpTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URL;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Reviewers signing in with OIDC, against {@link FakeOidcProvider} on loopback: the browser's
 * authorization-code flow on {@code /queue}, decisions attributed to the OIDC user, IdP groups
 * mapped to Airlock roles, bearer access tokens on the REST API, and agents on {@code /mcp/*} still
 * authenticated by Airlock's own keys.
 */
@QuarkusTest
@TestProfile(OidcSignInTest.OidcSignIn.class)
class OidcSignInTest {

  /** Production's OIDC settings, with IdP group names that differ from Airlock's roles. */
  public static class OidcSignIn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.oidc.tenant-enabled", "true",
          "quarkus.http.auth.permission.queue.auth-mechanism", "code",
          "quarkus.http.auth.permission.api.auth-mechanism", "bearer",
          // No embedded-store login page to send anyone to: a request without credentials gets 401.
          "quarkus.http.auth.form.login-page", "",
          "airlock.sign-in.reviewer-groups", "airlock-reviewers",
          "airlock.sign-in.admin-groups", "airlock-admins",
          "airlock.sign-in.viewer-groups", "airlock-viewers",
          "airlock.auth.mode", "keys");
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(FakeOidcProvider.class));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]+)\"");

  @TestHTTPResource("/")
  URL root;

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  @ConfigProperty(name = "quarkus.oidc.auth-server-url")
  String idp;

  @ConfigProperty(name = "airlock.queue.csrf-secret")
  String csrfSecret;

  @Inject GrantService grants;

  @Test
  void aReviewerSignsInAtTheProviderAndTheirDecisionIsRecordedUnderTheirName() throws Exception {
    // Given: a parked call
    String id = parkedApproval();

    // When: rita follows a link to the request, signs in through the provider, lands back on the
    // request and approves it through the queue's form
    Browser rita = new Browser();
    HttpResponse<String> detail = signIn(rita, "rita", "/queue/" + id);
    assertThat(detail.body()).contains("rita").contains(id);
    Matcher csrf = CSRF.matcher(detail.body());
    assertThat(csrf.find()).as("the detail page has a decision form").isTrue();
    HttpResponse<String> decided =
        rita.post(uri("/queue/" + id + "/decision"), "decision=approve&csrf=" + csrf.group(1));

    // Then: recorded, by rita, through the queue
    assertThat(decided.statusCode()).as(decided.body()).isEqualTo(303);
    assertThat(URLDecoder.decode(location(decided), StandardCharsets.UTF_8))
        .contains("Recorded: approved");
    JsonNode approval = api("/api/approvals/" + id, accessToken("rita"));
    assertThat(approval.path("status").asText()).isEqualTo("APPROVED");
    assertThat(approval.path("decidedBy").asText()).isEqualTo("rita");
    assertThat(approval.path("decidedVia").asText()).isEqualTo("QUEUE");
  }

  @Test
  void aSignedInUserWithoutAReviewerGroupMayLookButNotDecide() throws Exception {
    String id = parkedApproval();
    Browser vic = signIn("vic");
    assertThat(vic.get(uri("/queue/" + id)).body()).doesNotContain("id=\"approve-form\"");

    // A well-formed post with vic's own valid CSRF token: only the role can refuse it.
    HttpResponse<String> refused =
        vic.post(
            uri("/queue/" + id + "/decision"),
            "decision=approve&csrf=" + new CsrfTokens(csrfSecret).tokenFor("vic"));

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("reviewer role");
    assertThat(api("/api/approvals/" + id, accessToken("rita")).path("status").asText())
        .isEqualTo("PENDING");
  }

  @Test
  void anAdminGroupGrantsAdminAndReviewer() throws Exception {
    String token = accessToken("adam");
    assertThat(status("/api/grants", "Bearer " + token)).isEqualTo(200);
    assertThat(status("/api/approvals", "Bearer " + token)).isEqualTo(200);
    assertThat(status("/api/grants", "Bearer " + accessToken("rita"))).isEqualTo(403);
  }

  @Test
  void theEmbeddedStoresLoginPageLeadsToTheProvider() throws Exception {
    HttpResponse<String> login = new Browser().get(uri("/queue/login"));
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(location(login)).endsWith("/queue");
  }

  @Test
  void theApiTakesTheProvidersBearerTokensAndNothingElse() throws Exception {
    HttpResponse<String> list = send(apiRequest("/api/approvals", "Bearer " + accessToken("rita")));
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(list.body()).isArray()).isTrue();

    assertThat(status("/api/approvals", "Bearer " + accessToken("vic"))).isEqualTo(403);
    HttpResponse<String> anonymous = send(apiRequest("/api/approvals", null));
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).doesNotContain("\"id\"");
    assertThat(status("/api/approvals", "Bearer " + tampered(accessToken("rita")))).isEqualTo(401);
    String basic = Base64.getEncoder().encodeToString("reviewer:reviewer".getBytes());
    assertThat(status("/api/approvals", "Basic " + basic))
        .as("the embedded store is not a way in once OIDC is on")
        .isEqualTo(401);
  }

  @Test
  void agentsSlackAndHealthAreNotTouchedByReviewerSignIn() throws Exception {
    // An Airlock key on /mcp works as before: OIDC does not read the agent's bearer credential.
    String key = grants.issue("oidc-agent", "ana", Set.of("healthomics"), null, "test").key();
    assertThat(new McpTestClient(gateway.toString(), key).initialize().session()).isNotBlank();

    // Refusals on /mcp are Airlock's own (its challenge), also for a reviewer's OIDC token.
    for (String credential : List.of("alk_unknown", accessToken("rita"))) {
      HttpResponse<String> refused = send(initialize(credential));
      assertThat(refused.statusCode()).as(credential).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate").orElse(""))
          .contains("realm=\"airlock\"");
    }

    // Slack's endpoint answers for itself; nobody is sent to the identity provider.
    HttpResponse<String> slack =
        send(
            HttpRequest.newBuilder(uri("/slack/interactions"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("payload=%7B%7D"))
                .build());
    assertThat(slack.statusCode()).isEqualTo(401);
    assertThat(slack.body()).contains("invalid request signature");
    assertThat(status("/q/health/live", null)).isEqualTo(200);
  }

  // ---- the browser ------------------------------------------------------------------------------

  /** A browser: keeps cookies, follows nothing by itself so each hop can be checked. */
  private static final class Browser {
    private final HttpClient http =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();

    HttpResponse<String> get(URI uri) throws Exception {
      return http.send(
          HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "text/html").GET().build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(URI uri, String form) throws Exception {
      return http.send(
          HttpRequest.newBuilder(uri)
              .timeout(TIMEOUT)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  /** Opens the queue, is sent to the provider, signs in as {@code user} and comes back. */
  private Browser signIn(String user) throws Exception {
    Browser browser = new Browser();
    signIn(browser, user, "/queue");
    return browser;
  }

  /**
   * Opens {@code page}, is sent to the provider, signs in as {@code user}, comes back to the one
   * registered redirect URI ({@code /queue}) and is sent on to {@code page}, which it returns.
   */
  private HttpResponse<String> signIn(Browser browser, String user, String page) throws Exception {
    HttpResponse<String> toProvider = browser.get(uri(page));
    assertThat(toProvider.statusCode()).isEqualTo(302);
    String authorize = location(toProvider);
    assertThat(authorize).startsWith(idp + "/authorize?");
    assertThat(authorize).contains("client_id=airlock").contains("response_type=code");
    assertThat(URLDecoder.decode(authorize, StandardCharsets.UTF_8))
        .contains("scope=openid profile email")
        .contains("redirect_uri=" + uri("/queue"));

    HttpResponse<String> withCode = browser.get(URI.create(authorize + "&login_hint=" + user));
    assertThat(withCode.statusCode()).as(withCode.body()).isEqualTo(302);
    URI callback = URI.create(location(withCode));
    assertThat(callback.getPath()).isEqualTo("/queue");

    HttpResponse<String> back = browser.get(callback);
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    URI restored = callback.resolve(location(back));
    assertThat(restored.getPath()).isEqualTo(page);
    assertThat(restored.getQuery()).as("the code is not left in the address").isNull();
    HttpResponse<String> landed = browser.get(restored);
    assertThat(landed.statusCode()).as(landed.body()).isEqualTo(200);
    assertThat(landed.body()).contains(user);
    return landed;
  }

  // ---- the provider, as an API client would use it
  // ------------------------------------------------

  /** An access token for {@code user}, by the code flow a command-line client would run. */
  private String accessToken(String user) throws Exception {
    String redirect = "http://127.0.0.1/cli-callback";
    HttpResponse<String> authorized =
        send(
            HttpRequest.newBuilder(
                    URI.create(
                        idp
                            + "/authorize?response_type=code&scope=openid&client_id="
                            + FakeOidcProvider.CLIENT_ID
                            + "&state=cli&redirect_uri="
                            + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                            + "&login_hint="
                            + user))
                .timeout(TIMEOUT)
                .build());
    assertThat(authorized.statusCode()).isEqualTo(302);
    String code = location(authorized).replaceAll(".*[?&]code=([^&]+).*", "$1");
    String client =
        Base64.getEncoder()
            .encodeToString(
                (FakeOidcProvider.CLIENT_ID + ":" + FakeOidcProvider.CLIENT_SECRET).getBytes());
    HttpResponse<String> tokens =
        send(
            HttpRequest.newBuilder(URI.create(idp + "/token"))
                .timeout(TIMEOUT)
                .header("Authorization", "Basic " + client)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=authorization_code&code="
                            + code
                            + "&redirect_uri="
                            + URLEncoder.encode(redirect, StandardCharsets.UTF_8)))
                .build());
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    return JSON.readTree(tokens.body()).path("access_token").asText();
  }

  /** The same token with a changed payload: its signature no longer matches. */
  private static String tampered(String token) {
    String[] parts = token.split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("\"rita\"", "\"adam\"");
    return parts[0]
        + "."
        + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
        + "."
        + parts[2];
  }

  // ---- Airlock ----------------------------------------------------------------------------------

  /** A call parked in retry mode, answered at once with its approval's id. */
  private String parkedApproval() throws Exception {
    String key = grants.issue("oidc-agent", "ana", Set.of("healthomics"), null, "test").key();
    JsonNode pending =
        new McpTestClient(gateway.toString(), key)
            .initialize()
            .callTool("RetryTool", "{\"oidc\":\"" + UUID.randomUUID() + "\"}");
    String id = pending.path("result").path("_meta").path("airlock/approval").path("id").asText();
    assertThat(id).as(pending.toString()).isNotBlank();
    return id;
  }

  private HttpRequest initialize(String bearer) {
    return HttpRequest.newBuilder(URI.create(gateway.toString()))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + bearer)
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"java-test\",\"version\":\"1\"}}}"))
        .build();
  }

  private JsonNode api(String path, String accessToken) throws Exception {
    HttpResponse<String> response = send(apiRequest(path, "Bearer " + accessToken));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private int status(String path, String authorization) throws Exception {
    return send(apiRequest(path, authorization)).statusCode();
  }

  private HttpRequest apiRequest(String path, String authorization) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).header("Accept", "application/json");
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder.GET().build();
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HttpClient.newBuilder()
        .connectTimeout(TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build()
        .send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create(root.toString()).resolve(path);
  }

  private static String location(HttpResponse<String> response) {
    return response
        .headers()
        .firstValue("Location")
        .orElseThrow(() -> new AssertionError("no Location: " + response.statusCode()));
  }
}
