package dev.airlock.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.policy.LimitRule;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class RateLimitPropertiesTest {

  @Property(tries = 200)
  void noWindowEverCountsMoreThanMax(
      @ForAll @IntRange(min = 1, max = 20) int max,
      @ForAll @IntRange(min = 1, max = 30) int windowSeconds,
      @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 120_000) Integer> offsetsMillis) {
    // Given
    InMemoryRateLimitStore store = new InMemoryRateLimitStore();
    LimitRule limit =
        new LimitRule("c", Duration.ofSeconds(windowSeconds), max, LimitRule.Scope.GLOBAL);
    Instant base = Instant.ofEpochSecond(1_700_000_000L);
    Map<Instant, Integer> allowedPerWindow = new HashMap<>();

    // When
    offsetsMillis.stream()
        .sorted()
        .forEach(
            offset -> {
              Instant now = base.plusMillis(offset);
              if (store.tryAcquire(List.of(limit), List.of("global"), now).isEmpty()) {
                allowedPerWindow.merge(RateLimitStore.windowStart(limit, now), 1, Integer::sum);
              }
            });

    // Then
    assertThat(allowedPerWindow.values())
        .allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(max));
  }

  @Property(tries = 100)
  void callsUnderTheLimitAreNeverRefused(@ForAll @IntRange(min = 1, max = 50) int max) {
    InMemoryRateLimitStore store = new InMemoryRateLimitStore();
    LimitRule limit = new LimitRule("c", Duration.ofMinutes(1), max, LimitRule.Scope.GLOBAL);
    Instant now = Instant.ofEpochSecond(1_700_000_000L);
    for (int i = 0; i < max; i++) {
      assertThat(store.tryAcquire(List.of(limit), List.of("global"), now)).isEmpty();
    }
    assertThat(store.tryAcquire(List.of(limit), List.of("global"), now)).isPresent();
  }
}
