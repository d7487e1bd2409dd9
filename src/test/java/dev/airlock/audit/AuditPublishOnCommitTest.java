package dev.airlock.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.policy.CanonicalJson;
import dev.airlock.testing.McpTestClient;
import dev.airlock.testing.Rows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A call's audit event is published to Kafka right after it commits, not at the next scheduled run:
 * here the scheduled run comes once an hour, so only the commit can have published it.
 */
@QuarkusTest
@TestProfile(AuditPublishOnCommitTest.HourlyScheduledRun.class)
class AuditPublishOnCommitTest {

  /** The only change: the scheduled catch-up run is too rare to publish anything in this test. */
  public static class HourlyScheduledRun implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("airlock.audit.publish-interval", "1h");
    }
  }

  @TestHTTPResource("/mcp/healthomics")
  URL gateway;

  @Inject AgroalDataSource dataSource;

  @Test
  void aCommittedCallEventIsPublishedWithoutWaitingForTheScheduledRun() throws Exception {
    // Given
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();

    // When
    client.callTool("ListAHORuns", "{\"maxResults\":2}");

    // Then: the published position (moved only on Kafka's acknowledgement) passes its event
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventOfSession(client.session()) > 0);
    long event = eventOfSession(client.session());
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> publishedPosition() >= event);
    assertThat(publishedPosition()).isGreaterThanOrEqualTo(event);
  }

  @Test
  void argumentsTooLargeForOneKafkaMessageAreOmittedAndPublishingGoesOn() throws Exception {
    // Given: an allowed call with 1.2 MB of arguments (the relay takes up to 4 MiB; Kafka's
    // producers refuse messages over 1 MiB)
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    String arguments = "{\"maxResults\":2,\"blob\":\"" + "x".repeat(1_200_000) + "\"}";

    // When: it is forwarded and audited, then a small call follows
    client.callTool("ListAHORuns", arguments);
    client.callTool("ListAHORuns", "{\"maxResults\":1}");

    // Then: the first event keeps the size and the digest, not the arguments
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventsOfSession(client.session()) == 2);
    String first = "from audit_event where session_id = ? order by seq limit 1";
    assertThat(Rows.strings(dataSource, "select args " + first, client.session()).get(0))
        .contains("airlock/omitted")
        .contains("1200026")
        .hasSizeLessThan(200);
    assertThat(Rows.strings(dataSource, "select args_digest " + first, client.session()).get(0))
        .isEqualTo(CanonicalJson.sha256(new ObjectMapper().readTree(arguments)));
    // And both events reach the topic: nothing is stuck behind the large one
    long last = eventOfSession(client.session());
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> publishedPosition() >= last);
  }

  private long eventsOfSession(String session) throws Exception {
    return Rows.number(
        dataSource, "select count(*) from audit_event where session_id = ?", session);
  }

  private long eventOfSession(String session) throws Exception {
    return Rows.number(
        dataSource, "select coalesce(max(seq), 0) from audit_event where session_id = ?", session);
  }

  private long publishedPosition() throws Exception {
    return Rows.number(dataSource, AuditPublisher.PUBLISHED_POSITION);
  }
}
