package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FullCheckPassesTest {

  private static final Instant T0 = Instant.parse("2026-12-02T07:00:00Z");
  private final FullCheckPasses passes =
      new FullCheckPasses(Duration.ofMinutes(1), Duration.ofSeconds(1));

  @Test
  void aPassChecksEveryHeldCallOnceInEqualSlicesWithinItsInterval() {
    Set<String> held = ids(0, 10_000);
    List<String> checked = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int tick = 0; tick < 60; tick++) {
      List<String> slice = passes.next(held, T0.plusSeconds(tick));
      sizes.add(slice.size());
      checked.addAll(slice);
    }
    assertThat(checked).hasSize(10_000).doesNotHaveDuplicates();
    assertThat(new HashSet<>(checked)).isEqualTo(held);
    assertThat(sizes).allMatch(size -> size <= 167);
  }

  @Test
  void callsReleasedDuringAPassAreSkipped() {
    Set<String> held = ids(0, 120);
    List<String> first = passes.next(held, T0);
    assertThat(first).hasSize(2);
    held.retainAll(Set.of(first.get(0), first.get(1), "id-7"));
    List<String> rest = new ArrayList<>();
    for (int tick = 1; tick < 60; tick++) {
      rest.addAll(passes.next(held, T0.plusSeconds(tick)));
    }
    Set<String> notYetChecked = new HashSet<>(held);
    first.forEach(notYetChecked::remove);
    assertThat(rest).containsExactlyInAnyOrderElementsOf(notYetChecked);
  }

  @Test
  void theNextPassStartsOneIntervalAfterTheLastAndIncludesCallsHeldSince() {
    Set<String> held = ids(0, 3);
    assertThat(passes.next(held, T0)).hasSize(1);
    assertThat(passes.next(held, T0.plusSeconds(1))).hasSize(1);
    assertThat(passes.next(held, T0.plusSeconds(2))).hasSize(1);
    held.add("late");

    assertThat(passes.next(held, T0.plusSeconds(59))).isEmpty();
    List<String> next = new ArrayList<>();
    for (int tick = 60; tick < 64; tick++) {
      next.addAll(passes.next(held, T0.plusSeconds(tick)));
    }
    assertThat(next).containsExactlyInAnyOrderElementsOf(held);
  }

  @Test
  void nothingHeldStartsNoPassSoTheFirstHeldCallIsCheckedAtOnce() {
    assertThat(passes.next(Set.of(), T0)).isEmpty();
    assertThat(passes.next(Set.of("a"), T0.plusSeconds(1))).containsExactly("a");
  }

  private static Set<String> ids(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "id-" + i).collect(Collectors.toSet());
  }
}
