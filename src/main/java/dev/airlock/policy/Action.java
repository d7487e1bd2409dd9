package dev.airlock.policy;

import java.util.Locale;
import java.util.Optional;

/** What a rule does with a call. */
public enum Action {
  ALLOW,
  DENY,
  /** Denied, and absent from {@code tools/list}. */
  HIDE,
  REQUIRE_APPROVAL;

  public static Optional<Action> parse(String text) {
    try {
      return Optional.of(valueOf(text.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public boolean denies() {
    return this == DENY || this == HIDE;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
