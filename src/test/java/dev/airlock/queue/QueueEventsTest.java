package dev.airlock.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.approval.ApprovalEvent;
import dev.airlock.approval.ApprovalStatus;
import dev.airlock.approval.ApprovalView;
import dev.airlock.approval.Channel;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an open queue page is told of a change, as JSON its script can parse. */
class QueueEventsTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void aDecisionCarriesItsReviewerAndChannelWhateverTheReviewerIsCalled() throws Exception {
    // Given: a Slack display name with the characters hand-written JSON gets wrong
    String reviewer = "Ada \"the reviewer\" \\ Lovelace";
    ApprovalEvent event =
        new ApprovalEvent(
            ApprovalEvent.Kind.DECIDED,
            view("a1b2", ApprovalStatus.DENIED, reviewer, Channel.SLACK));

    // When
    JsonNode sent = json.readTree(json.writeValueAsString(QueueEvents.Change.of(event)));

    // Then
    assertThat(sent.get("kind").asText()).isEqualTo("decided");
    assertThat(sent.get("id").asText()).isEqualTo("a1b2");
    assertThat(sent.get("status").asText()).isEqualTo("DENIED");
    assertThat(sent.get("decidedBy").asText()).isEqualTo(reviewer);
    assertThat(sent.get("via").asText()).isEqualTo("SLACK");
  }

  @Test
  void aNewRequestHasNobodyWhoDecidedIt() throws Exception {
    // Given
    ApprovalEvent event =
        new ApprovalEvent(
            ApprovalEvent.Kind.REQUESTED, view("c3d4", ApprovalStatus.PENDING, null, null));

    // When
    JsonNode sent = json.readTree(json.writeValueAsString(QueueEvents.Change.of(event)));

    // Then
    assertThat(sent.get("kind").asText()).isEqualTo("requested");
    assertThat(sent.get("status").asText()).isEqualTo("PENDING");
    assertThat(sent.get("decidedBy").isNull()).isTrue();
    assertThat(sent.get("via").isNull()).isTrue();
  }

  private static ApprovalView view(
      String id, ApprovalStatus status, String decidedBy, Channel via) {
    Instant now = Instant.parse("2026-11-30T02:00:00Z");
    return new ApprovalView(
        id,
        status,
        "healthomics",
        "CancelAHORunBatch",
        null,
        "digest",
        "agent",
        "owner",
        "grant",
        "session",
        "high",
        "tools.CancelAHORunBatch",
        null,
        "policy",
        now,
        now.plusSeconds(900),
        1,
        status == ApprovalStatus.PENDING ? 1 : 0,
        null,
        List.of(),
        decidedBy,
        via,
        null,
        decidedBy == null ? null : now,
        null,
        null);
  }
}
