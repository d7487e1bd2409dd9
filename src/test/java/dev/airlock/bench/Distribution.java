package dev.airlock.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Latency samples in microseconds, kept whole (a few hundred per run) so percentiles are exact
 * (nearest rank) and negative values, possible when two clocks' readings are compared, survive.
 */
record Distribution(String name, long[] sorted) {

  static Distribution of(String name, List<Long> micros) {
    long[] values = micros.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(values);
    return new Distribution(name, values);
  }

  long percentile(double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static String header() {
    return "| measured | samples | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|";
  }

  String row() {
    return String.format(
        Locale.ROOT,
        "| %s | %d | %.1f | %.1f | %.1f | %.1f |",
        name,
        sorted.length,
        percentile(50) / 1000.0,
        percentile(90) / 1000.0,
        percentile(99) / 1000.0,
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0);
  }
}
