package dev.airlock.policy;

import java.time.Duration;

/**
 * A rate limit: at most {@code max} calls per {@code window}, counted per {@code scope} in the
 * counter named {@code counter} (shared by every rule that names it).
 */
public record LimitRule(String counter, Duration window, long max, Scope scope) {

  public enum Scope {
    GRANT,
    SESSION,
    AGENT,
    GLOBAL
  }
}
