package dev.airlock.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.testing.McpTestClient;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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

  private long eventOfSession(String session) throws Exception {
    return single("select coalesce(max(seq), 0) from audit_event where session_id = ?", session);
  }

  private long publishedPosition() throws Exception {
    return single(AuditPublisher.PUBLISHED_POSITION, null);
  }

  private long single(String sql, String parameter) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      if (parameter != null) {
        s.setString(1, parameter);
      }
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }
}
