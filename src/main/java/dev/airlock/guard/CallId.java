package dev.airlock.guard;

import java.util.UUID;

/**
 * The id Airlock gives one {@code tools/call} when it arrives, in its {@link GuardContext}: the
 * decision id of a call that is not parked, its audit intent's id, and what its log lines carry.
 */
public record CallId(String value) {

  public static CallId random() {
    return new CallId(UUID.randomUUID().toString());
  }
}
