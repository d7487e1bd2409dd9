package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.guard.Caller;
import dev.airlock.guard.ToolCall;
import dev.airlock.policy.ApprovalRule;
import dev.airlock.policy.Decision;
import dev.airlock.policy.Risk;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The database check that releases held calls without Kafka: it must reach every held call, not
 * only the first few hundred the replica iterates over.
 */
@QuarkusTest
class ParkedCallsTest {

  private static final int HELD = 600;

  @Inject ApprovalService approvals;
  @Inject ParkedCalls parked;
  @Inject EntityManager entityManager;

  @Test
  void aDecisionOnlyTheDatabaseKnowsReleasesAHeldCallPastTheFirst500() {
    // Given: 600 held calls
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < HELD; i++) {
      ids.add(approvals.park(request(i)).id());
    }
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

  private void deny(List<String> ids) {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                entityManager
                    .createQuery(
                        "update ApprovalRequestEntity set status = 'DENIED', decidedAt = :now"
                            + " where id in :ids and status = 'PENDING'")
                    .setParameter("now", java.time.Instant.now())
                    .setParameter("ids", ids)
                    .executeUpdate());
  }

  private static ParkRequest request(int i) {
    ObjectNode arguments = JsonNodeFactory.instance.objectNode().put("parkedCallsTest", i);
    ObjectNode params = JsonNodeFactory.instance.objectNode().put("name", "HeldTool");
    params.set("arguments", arguments);
    ToolCall call =
        new ToolCall(
            "tools",
            "parked-calls-test",
            Caller.ANONYMOUS,
            "HeldTool",
            arguments,
            params,
            null,
            "2025-11-25");
    ApprovalRule rule =
        new ApprovalRule(
            List.of(),
            List.of(),
            null,
            null,
            1,
            Duration.ofMinutes(15),
            ApprovalRule.TimeoutAction.DENY,
            ApprovalRule.WaitMode.HOLD,
            true,
            List.of());
    Decision.Park park =
        new Decision.Park(
            "tools.HeldTool", "parked-calls-test", Risk.HIGH, true, "test", rule, List.of());
    return new ParkRequest(call, park, arguments, ApprovalService.digest(arguments), null);
  }
}
