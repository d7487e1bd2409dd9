package dev.airlock.metrics;

import dev.airlock.approval.ApprovalEvent;
import dev.airlock.approval.ApprovalView;
import dev.airlock.approval.Approvals;
import dev.airlock.approval.ParkedCalls;
import dev.airlock.guard.CallObserver;
import dev.airlock.guard.CallOutcome;
import dev.airlock.guard.CallRecord;
import dev.airlock.policy.Decision;
import dev.airlock.relay.ToolCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Prometheus metrics of calls and approvals (see docs/operations.md for the full list). */
@ApplicationScoped
public class CallMetrics implements CallObserver {

  private final MeterRegistry registry;
  private final AtomicLong pending = new AtomicLong();

  /** The tool value of calls to tools their upstream does not list. */
  static final String UNLISTED_TOOL = "_unlisted";

  @Inject Approvals approvals;
  @Inject ToolCatalog catalog;

  @Inject
  public CallMetrics(MeterRegistry registry, ParkedCalls parked) {
    this.registry = registry;
    registry.gauge("airlock_approvals_pending", pending);
    registry.gauge("airlock_parked_calls_held", parked, ParkedCalls::size);
  }

  // Meters looked up once per tag combination: a registry lookup per call showed in profiles.
  private record CallTags(String upstream, String tool, String decision, String outcome) {}

  private final Map<CallTags, Counter> calls = new ConcurrentHashMap<>();
  private final Map<String, Timer> upstreamLatency = new ConcurrentHashMap<>();
  private final Map<String, Counter> upstreamErrors = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Void> onCallFinished(CallRecord record) {
    Decision decision = record.context().get(Decision.class).orElse(null);
    String upstream = record.call().upstream();
    CallTags tags =
        new CallTags(
            upstream,
            toolValue(upstream, record.call().tool()),
            decisionName(decision),
            record.outcome().name().toLowerCase(Locale.ROOT));
    calls
        .computeIfAbsent(
            tags,
            t ->
                registry.counter(
                    "airlock_calls_total",
                    "upstream",
                    t.upstream(),
                    "tool",
                    t.tool(),
                    "decision",
                    t.decision(),
                    "outcome",
                    t.outcome()))
        .increment();
    if (record.upstreamLatency() != null) {
      upstreamLatency
          .computeIfAbsent(
              upstream,
              u ->
                  Timer.builder("airlock_upstream_latency")
                      .tag("upstream", u)
                      .publishPercentileHistogram()
                      .register(registry))
          .record(record.upstreamLatency());
    }
    if (record.outcome() == CallOutcome.UPSTREAM_ERROR) {
      upstreamErrors
          .computeIfAbsent(
              upstream, u -> registry.counter("airlock_upstream_errors_total", "upstream", u))
          .increment();
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Agents choose tool names; one series per name would let any agent grow the metrics without
   * bound. Names the upstream lists are kept; any other counts as {@link #UNLISTED_TOOL}.
   */
  private String toolValue(String upstream, String tool) {
    return catalog.definition(upstream, tool).isPresent() ? tool : UNLISTED_TOOL;
  }

  void onApproval(@Observes ApprovalEvent event) {
    ApprovalView view = event.view();
    if (event.kind() == ApprovalEvent.Kind.DECIDED && view.decidedAt() != null) {
      registry
          .counter(
              "airlock_decisions_total",
              "channel",
              String.valueOf(view.decidedVia()).toLowerCase(Locale.ROOT),
              "status",
              view.status().name().toLowerCase(Locale.ROOT))
          .increment();
      Timer.builder("airlock_approval_wait")
          .publishPercentileHistogram()
          .register(registry)
          .record(Duration.between(view.requestedAt(), view.decidedAt()));
    }
  }

  @Scheduled(
      every = "10s",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void countPending() {
    try {
      // A count, not a listing: a page of views stopped at 1,000 and read every one's votes.
      pending.set(approvals.countPending());
    } catch (RuntimeException e) {
      // database away: keep the last value
    }
  }

  private static String decisionName(Decision decision) {
    if (decision == null) {
      return "none";
    }
    return decision.enforced() ? decision.label() : "monitor_" + decision.label();
  }
}
