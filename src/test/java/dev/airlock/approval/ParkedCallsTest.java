package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The database checks that release held calls without Kafka: they must reach every held call, not
 * only the first few hundred the replica iterates over, and a decision stamped by a clock far off.
 */
@QuarkusTest
@TestProfile(ShortApprovalTimings.class)
class ParkedCallsTest {

  private static final int HELD = 600;

  @Inject ParkedCalls parked;
  @Inject EntityManager entityManager;

  @Test
  void aDecisionOnlyTheDatabaseKnowsReleasesAHeldCallPastTheFirst500() {
    // Given: 600 held calls
    List<String> ids = insertPending(HELD);
    Map<String, CompletableFuture<ApprovalView>> held = new ConcurrentHashMap<>();
    ids.forEach(id -> held.put(id, parked.await(id)));
    // The held call a check of the first 500 ids would never reach: the last in the same order.
    String last = List.copyOf(held.keySet()).get(HELD - 1);

    // When: it is decided where only the database sees it (no outbox, no Kafka message)
    deny(List.of(last));

    // Then
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> held.get(last).isDone());
    assertThat(held.get(last).join().status()).isEqualTo(ApprovalStatus.DENIED);

    // And the rest, decided the same way, are released too
    deny(ids);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> held.values().stream().allMatch(CompletableFuture::isDone));
  }

  @Test
  void theFullCheckFindsADecisionStampedByAClockFarBehind() {
    // Given: held calls
    List<String> ids = insertPending(3);
    List<CompletableFuture<ApprovalView>> held = ids.stream().map(parked::await).toList();

    // When: they are decided with a time an hour behind this replica's clock, which the check of
    // recent decisions never looks back to
    deny(ids, Instant.now().minus(Duration.ofHours(1)));

    // Then: the full check (a slice a second) reaches them within two of its intervals, 3 s here
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> held.stream().allMatch(CompletableFuture::isDone));
    assertThat(held.get(0).join().status()).isEqualTo(ApprovalStatus.DENIED);
  }

  private void deny(List<String> ids) {
    deny(ids, Instant.now());
  }

  private void deny(List<String> ids, Instant at) {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                entityManager
                    .createQuery(
                        "update ApprovalRequestEntity set status = 'DENIED', decidedAt = :now"
                            + " where id in :ids and status = 'PENDING'")
                    .setParameter("now", at)
                    .setParameter("ids", ids)
                    .executeUpdate());
  }

  private List<String> insertPending(int count) {
    return PendingRows.insert(entityManager, count, Duration.ofMinutes(15));
  }
}
