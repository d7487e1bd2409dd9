package dev.airlock.limits;

import dev.airlock.policy.LimitRule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Counts calls against limits in fixed windows aligned to the epoch (a minute window starts at
 * :00). All the limits of one call are taken together: if one is exhausted, none is consumed.
 */
public interface RateLimitStore {

  /** Which limit refused the call, and when its window ends. */
  record Exceeded(LimitRule limit, Duration retryAfter) {}

  /**
   * @param scopeKeys the key of each limit's scope for this call, in the order of {@code limits}
   */
  Optional<Exceeded> tryAcquire(List<LimitRule> limits, List<String> scopeKeys, Instant now);

  static Instant windowStart(LimitRule limit, Instant now) {
    long size = limit.window().toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), size) * size);
  }

  static Duration retryAfter(LimitRule limit, Instant now) {
    return Duration.between(now, windowStart(limit, now).plus(limit.window()));
  }
}
