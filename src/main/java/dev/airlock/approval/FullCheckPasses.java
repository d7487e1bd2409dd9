package dev.airlock.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Splits the full check of held calls into passes: a pass starts at most once per interval with a
 * snapshot of the held ids, and each tick takes an equal slice of it, so every call held at a
 * pass's start is checked by its end whatever the number held. Not thread-safe: one scheduled job
 * uses it, never concurrently.
 */
final class FullCheckPasses {

  private final Duration interval;
  private final long ticksPerPass;
  private final ArrayDeque<String> left = new ArrayDeque<>();
  private Instant passStarted;
  private int slice;

  FullCheckPasses(Duration interval, Duration tick) {
    this.interval = interval;
    this.ticksPerPass = Math.max(1, interval.toMillis() / Math.max(1, tick.toMillis()));
  }

  /** The ids to check on this tick: those of the current pass still held, at most one slice. */
  List<String> next(Set<String> held, Instant now) {
    if (left.isEmpty() && !held.isEmpty() && passDue(now)) {
      start(held, now);
    }
    List<String> out = new ArrayList<>(Math.min(slice, left.size()));
    while (out.size() < slice && !left.isEmpty()) {
      String id = left.poll();
      if (held.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }

  private boolean passDue(Instant now) {
    return passStarted == null || !now.isBefore(passStarted.plus(interval));
  }

  private void start(Collection<String> held, Instant now) {
    left.addAll(held);
    slice = (int) Math.max(1, (left.size() + ticksPerPass - 1) / ticksPerPass);
    passStarted = now;
  }
}
