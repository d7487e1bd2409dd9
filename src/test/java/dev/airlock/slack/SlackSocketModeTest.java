package dev.airlock.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.approval.ApprovalStatus;
import dev.airlock.approval.ApprovalView;
import dev.airlock.approval.Approvals;
import dev.airlock.approval.Channel;
import dev.airlock.testing.EmbeddedServices;
import dev.airlock.testing.FakeSlack;
import dev.airlock.testing.FakeSlackSocket;
import dev.airlock.testing.McpTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slack interactions over Socket Mode: Airlock asks the fake Slack Web API ({@code
 * apps.connections.open}, app token) for a WebSocket URL, connects to a fake Socket Mode server on
 * loopback, acknowledges each envelope and decides through the same service as over HTTP.
 */
@QuarkusTest
@TestProfile(SlackSocketModeTest.SocketMode.class)
class SlackSocketModeTest {

  /**
   * Socket Mode with the fake's app token; everything else as in the other Slack tests. A random
   * test port: this profile restarts Quarkus, and the fixed 8081 may be taken by a test run in
   * another checkout on the same machine.
   */
  public static class SocketMode implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "airlock.slack.mode", "socket",
          "airlock.slack.app-token", FakeSlack.APP_TOKEN,
          "quarkus.http.test-port", "0");
    }
  }

  @Inject Approvals approvals;

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  private final FakeSlack slack = EmbeddedServices.slack();
  private FakeSlackSocket socket;

  @BeforeEach
  void connected() {
    socket = slack.socket();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(socket::connected);
    assertThat(slack.calls("apps.connections.open")).isNotEmpty();
  }

  @Test
  void anApproveClickOverTheSocketIsAcknowledgedAndDecides() throws Exception {
    approveOverTheSocket();
  }

  @Test
  void whenSlackAsksForANewConnectionClicksArriveOverIt() throws Exception {
    // Given
    int connections = socket.opened.get();
    int urls = slack.calls("apps.connections.open").size();

    // When: Slack retires the connection, as it does every few hours
    socket.sendDisconnect();

    // Then: a fresh URL, a new connection, and clicks still decide
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> socket.opened.get() > connections && socket.connected());
    assertThat(slack.calls("apps.connections.open")).hasSizeGreaterThan(urls);
    approveOverTheSocket();
  }

  @Test
  void whenTheConnectionDropsTheClientReconnectsEvenIfSlackRefusesOnce() throws Exception {
    // Given: the first reconnect attempt gets ok=false from apps.connections.open
    int connections = socket.opened.get();
    slack.refuseNext("apps.connections.open", "internal_error");

    // When: the connection is cut without a close handshake
    socket.drop();

    // Then: the SDK's session monitor (every 5 s) tries again after the refusal (10 s later),
    // connects, and clicks still decide
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> socket.opened.get() > connections && socket.connected());
    assertThat(slack.refusals).contains("apps.connections.open: internal_error");
    approveOverTheSocket();
  }

  @Test
  void anUnauthorizedClickOverTheSocketIsAcknowledgedAndRecordsNothing() throws Exception {
    // Given
    String id = parkRetry();
    awaitPost(id);

    // When
    socket.sendInteractive(
        "env-eve-" + id, SlackInteractionClient.buttonPayload("approve", id, "UEVE", "eve"));

    // Then: acknowledged, told so ephemerally, and the request is untouched
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> socket.acknowledged("env-eve-" + id));
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                slack.calls("chat.postEphemeral").stream()
                    .anyMatch(
                        c ->
                            "UEVE".equals(c.params().get("user"))
                                && c.params().get("text").contains("not an approver")));
    ApprovalView view = approvals.find(id).orElseThrow();
    assertThat(view.status()).isEqualTo(ApprovalStatus.PENDING);
    assertThat(view.reviews()).isEmpty();
  }

  @Test
  void theHttpEndpointIsClosedInSocketMode() throws Exception {
    // Given: a correctly signed click
    String id = parkRetry();

    // When / Then: Slack never posts here in Socket Mode, so the path does not exist
    SlackInteractionClient.send(SlackInteractionClient.buttonPayload("approve", id, "UANA", "ana"))
        .then()
        .statusCode(404);
    assertThat(approvals.find(id).orElseThrow().status()).isEqualTo(ApprovalStatus.PENDING);
  }

  /** An approver's click pushed as an envelope is acknowledged and approves the request. */
  private void approveOverTheSocket() throws Exception {
    // Given
    String id = parkRetry();
    awaitPost(id);

    // When: Slack pushes the click as an interactive envelope
    socket.sendInteractive(
        "env-approve-" + id, SlackInteractionClient.buttonPayload("approve", id, "UANA", "ana"));

    // Then: acknowledged, and approved by that Slack user through the decision service
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> socket.acknowledged("env-approve-" + id));
    ApprovalView view =
        Awaitility.await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () -> approvals.find(id).orElseThrow(), v -> v.status() == ApprovalStatus.APPROVED);
    assertThat(view.reviews()).hasSize(1);
    assertThat(view.reviews().get(0).reviewerId()).isEqualTo("UANA");
    assertThat(view.reviews().get(0).channel()).isEqualTo(Channel.SLACK);
  }

  private String parkRetry() throws Exception {
    // RetryTool needs approval in retry mode (test policy): the call returns at once with its id.
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    JsonNode pending = client.callTool("RetryTool", "{\"nonce\":" + System.nanoTime() + "}");
    String id = pending.path("result").path("_meta").path("airlock/approval").path("id").asText();
    assertThat(id).as(pending.toString()).isNotBlank();
    return id;
  }

  private void awaitPost(String id) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                slack.calls("chat.postMessage").stream()
                    .filter(c -> c.params().get("blocks").contains(id))
                    .findFirst()
                    .orElse(null),
            Objects::nonNull);
  }
}
