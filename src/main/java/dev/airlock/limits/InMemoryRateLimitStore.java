package dev.airlock.limits;

import dev.airlock.policy.LimitRule;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A single-process store with the same semantics as the PostgreSQL one, for unit tests. */
public final class InMemoryRateLimitStore implements RateLimitStore {

  private final Map<String, Long> counts = new HashMap<>();

  @Override
  public synchronized Optional<Exceeded> tryAcquire(
      List<LimitRule> limits, List<String> scopeKeys, Instant now) {
    for (int i = 0; i < limits.size(); i++) {
      LimitRule limit = limits.get(i);
      if (counts.getOrDefault(key(limit, scopeKeys.get(i), now), 0L) >= limit.max()) {
        return Optional.of(new Exceeded(limit, RateLimitStore.retryAfter(limit, now)));
      }
    }
    for (int i = 0; i < limits.size(); i++) {
      counts.merge(key(limits.get(i), scopeKeys.get(i), now), 1L, Long::sum);
    }
    return Optional.empty();
  }

  private static String key(LimitRule limit, String scopeKey, Instant now) {
    return limit.counter()
        + "|"
        + scopeKey
        + "|"
        + RateLimitStore.windowStart(limit, now).toEpochMilli();
  }
}
