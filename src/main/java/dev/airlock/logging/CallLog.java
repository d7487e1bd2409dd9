package dev.airlock.logging;

import dev.airlock.guard.CallObserver;
import dev.airlock.guard.CallRecord;
import dev.airlock.policy.Decision;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The access log: one line per finished {@code tools/call}, with its decision id. Arguments are
 * never logged (the audit trail keeps them, redacted).
 */
@ApplicationScoped
public class CallLog implements CallObserver {

  private static final DecisionLog LOG = DecisionLog.of("airlock.calls");

  @ConfigMapping(prefix = "airlock.log")
  public interface Config {
    /** One INFO line per call on the {@code airlock.calls} category. */
    @WithDefault("true")
    boolean calls();
  }

  @Inject Config config;

  @Override
  public CompletionStage<Void> onCallFinished(CallRecord record) {
    if (config.calls() && LOG.isInfoEnabled()) {
      Decision decision = record.context().get(Decision.class).orElse(null);
      LOG.info(
          record.context().decisionId(),
          "tools/call %s on %s by %s: %s (%s) -> %s in %d ms",
          record.call().tool(),
          record.call().upstream(),
          record.call().caller().agent(),
          decision == null ? "undecided" : decision.label(),
          decision == null ? "-" : decision.ruleId(),
          record.outcome().name().toLowerCase(Locale.ROOT),
          record.total().toMillis());
    }
    return CompletableFuture.completedFuture(null);
  }
}
