package dev.airlock.bench;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The same fixed-rate load sent directly to the upstream and through Airlock, alternately for a
 * number of rounds, so that a slow spell of the machine (the harness's own GC included) hits both
 * paths; the summary is the median of the rounds' differences, not the best round.
 */
final class AlternatingRounds {

  /** What Airlock added to the direct path in one round, in milliseconds. */
  record Added(double p50, double p99, double p999) {
    /** Gateway minus direct at each percentile. */
    static Added between(RelayLoadBench.Result gateway, RelayLoadBench.Result direct) {
      return new Added(
          difference(gateway, direct, 50),
          difference(gateway, direct, 99),
          difference(gateway, direct, 99.9));
    }

    String describe() {
      return String.format(
          Locale.ROOT, "p50 %+.2f ms, p99 %+.2f ms, p99.9 %+.2f ms", p50, p99, p999);
    }
  }

  final List<RelayLoadBench.Result> results = new ArrayList<>();
  final List<Added> added = new ArrayList<>();

  static AlternatingRounds run(
      Vertx vertx,
      String label,
      String direct,
      String gateway,
      String token,
      int rate,
      int sessions,
      int seconds,
      int rounds,
      String call)
      throws Exception {
    AlternatingRounds run = new AlternatingRounds();
    for (int round = 1; round <= rounds; round++) {
      String suffix =
          (label.isEmpty() ? "" : ", " + label) + (rounds == 1 ? "" : " (round " + round + ")");
      RelayLoadBench.Result d =
          RelayLoadBench.fixedRate(
              vertx,
              "direct @" + rate + "/s" + suffix,
              direct,
              null,
              rate,
              sessions,
              seconds,
              call);
      RelayLoadBench.Result g =
          RelayLoadBench.fixedRate(
              vertx,
              "Airlock @" + rate + "/s" + suffix,
              gateway,
              token,
              rate,
              sessions,
              seconds,
              call);
      run.results.add(d);
      run.results.add(g);
      run.added.add(Added.between(g, d));
    }
    return run;
  }

  Added median() {
    return new Added(median(Added::p50), median(Added::p99), median(Added::p999));
  }

  /** One line per round, then the median when there is more than one. */
  List<String> summary(String label, int rate) {
    List<String> lines = new ArrayList<>();
    String state = label.isEmpty() ? "" : " (" + label + ")";
    for (int round = 0; round < added.size(); round++) {
      lines.add(
          "Added by Airlock at "
              + rate
              + " calls/s"
              + state
              + (added.size() == 1 ? "" : ", round " + (round + 1))
              + ": "
              + added.get(round).describe());
    }
    if (added.size() > 1) {
      lines.add("Median over " + added.size() + " rounds" + state + ": " + median().describe());
    }
    return lines;
  }

  /** Gateway minus direct at a percentile, in milliseconds. */
  private static double difference(
      RelayLoadBench.Result gateway, RelayLoadBench.Result direct, double percentile) {
    return (gateway.latency().getValueAtPercentile(percentile)
            - direct.latency().getValueAtPercentile(percentile))
        / 1000.0;
  }

  private double median(ToDoubleFunction<Added> column) {
    double[] values = added.stream().mapToDouble(column).sorted().toArray();
    int middle = values.length / 2;
    return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  }
}
