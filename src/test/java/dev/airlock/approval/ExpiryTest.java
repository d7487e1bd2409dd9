package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Deadlines this replica did not learn by parking: the sweep looks for them at least every idle
 * check, and a vote after a deadline never counts, swept or not.
 */
@QuarkusTest
class ExpiryTest {

  @Inject Approvals approvals;
  @Inject ApprovalConfig config;
  @Inject EntityManager entityManager;

  @Test
  void aRequestAnotherReplicaParkedExpiresAtTheSweepsNextLook() {
    // Given: a request this replica never parked, due in a second
    String id = PendingRows.insert(entityManager, 1, Duration.ofSeconds(1)).get(0);

    // Then: it expires without anyone deciding it, within one idle check of its deadline
    Awaitility.await()
        .atMost(config.idleCheckInterval().plusSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> approvals.find(id).orElseThrow().status() == ApprovalStatus.EXPIRED);
    assertThat(approvals.find(id).orElseThrow().decidedVia()).isEqualTo(Channel.SYSTEM);
  }

  @Test
  void aVoteAfterTheDeadlineFindsTheRequestExpired() {
    // Given: a pending request whose deadline passed before any sweep looked
    String id = PendingRows.insert(entityManager, 1, Duration.ofSeconds(-30)).get(0);

    // When: a reviewer approves it
    DecisionResult result =
        approvals.decide(
            id,
            new Reviewer("ana", "Ana", Channel.API, Set.of("reviewer")),
            new DecisionCommand(DecisionCommand.Verb.APPROVE, null, null));

    // Then: the approval does not count; the request timed out
    assertThat(result).isInstanceOf(DecisionResult.AlreadyDecided.class);
    assertThat(((DecisionResult.AlreadyDecided) result).view().status())
        .isEqualTo(ApprovalStatus.EXPIRED);
    assertThat(approvals.find(id).orElseThrow().status()).isEqualTo(ApprovalStatus.EXPIRED);
    assertThat(approvals.find(id).orElseThrow().reviews()).isEmpty();
  }
}
