package dev.airlock.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.policy.LimitRule;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared counters against a real PostgreSQL. */
@QuarkusTest
class PostgresRateLimitStoreTest {

  @Inject PostgresRateLimitStore store;

  @Test
  void neverAllowsMoreThanMaxUnderConcurrency() throws Exception {
    // Given
    LimitRule limit =
        new LimitRule("c-" + UUID.randomUUID(), Duration.ofHours(1), 100, LimitRule.Scope.GLOBAL);
    Instant now = Instant.now();
    ExecutorService pool = Executors.newFixedThreadPool(32);

    // When
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < 32 * 50; i++) {
      results.add(
          pool.submit(() -> store.tryAcquire(List.of(limit), List.of("global"), now).isEmpty()));
    }
    long allowed = 0;
    for (Future<Boolean> result : results) {
      allowed += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
    }
    pool.shutdown();

    // Then
    assertThat(allowed).isEqualTo(100);
  }

  @Test
  void aNewWindowStartsFromZero() {
    LimitRule limit =
        new LimitRule("w-" + UUID.randomUUID(), Duration.ofSeconds(10), 2, LimitRule.Scope.GRANT);
    Instant window = Instant.ofEpochSecond(1_800_000_000L);
    assertThat(store.tryAcquire(List.of(limit), List.of("g"), window)).isEmpty();
    assertThat(store.tryAcquire(List.of(limit), List.of("g"), window.plusSeconds(1))).isEmpty();
    var refused = store.tryAcquire(List.of(limit), List.of("g"), window.plusSeconds(4));
    assertThat(refused).isPresent();
    assertThat(refused.get().retryAfter()).isEqualTo(Duration.ofSeconds(6));
    assertThat(store.tryAcquire(List.of(limit), List.of("g"), window.plusSeconds(10))).isEmpty();
  }

  @Test
  void scopesCountSeparately() {
    LimitRule limit =
        new LimitRule("s-" + UUID.randomUUID(), Duration.ofMinutes(1), 1, LimitRule.Scope.GRANT);
    Instant now = Instant.now();
    assertThat(store.tryAcquire(List.of(limit), List.of("grant:a"), now)).isEmpty();
    assertThat(store.tryAcquire(List.of(limit), List.of("grant:b"), now)).isEmpty();
    assertThat(store.tryAcquire(List.of(limit), List.of("grant:a"), now)).isPresent();
  }

  @Test
  void aRefusedCallConsumesNoOtherCounter() {
    LimitRule roomy =
        new LimitRule("r-" + UUID.randomUUID(), Duration.ofMinutes(1), 10, LimitRule.Scope.GLOBAL);
    LimitRule tight =
        new LimitRule("t-" + UUID.randomUUID(), Duration.ofMinutes(1), 1, LimitRule.Scope.GLOBAL);
    Instant now = Instant.now();
    assertThat(store.tryAcquire(List.of(roomy, tight), List.of("global", "global"), now)).isEmpty();
    for (int i = 0; i < 5; i++) {
      assertThat(store.tryAcquire(List.of(roomy, tight), List.of("global", "global"), now))
          .isPresent();
    }
    for (int i = 0; i < 9; i++) {
      assertThat(store.tryAcquire(List.of(roomy), List.of("global"), now))
          .as("call %d", i)
          .isEmpty();
    }
    assertThat(store.tryAcquire(List.of(roomy), List.of("global"), now)).isPresent();
  }
}
