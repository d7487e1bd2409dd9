package dev.airlock.tracing;

import dev.airlock.guard.CallObserver;
import dev.airlock.guard.CallOutcome;
import dev.airlock.guard.CallRecord;
import dev.airlock.policy.Decision;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Opens the upstream span when a call is forwarded and closes the call's spans when it ends. */
@ApplicationScoped
public class CallSpans implements CallObserver {

  /** The call's span, opened by {@link TracingGuard}. */
  record Open(Span span) {}

  /** The span of the call's trip upstream. */
  record Upstream(Span span) {}

  @Inject @CallTracer Tracer tracer;

  @Override
  public CompletionStage<Void> beforeForward(CallRecord ifLost) {
    ifLost
        .context()
        .get(Open.class)
        .ifPresent(
            open ->
                ifLost
                    .context()
                    .put(
                        Upstream.class,
                        new Upstream(
                            tracer
                                .spanBuilder("upstream tools/call " + ifLost.forwarded().tool())
                                .setParent(Context.root().with(open.span()))
                                .setSpanKind(SpanKind.CLIENT)
                                .setAttribute("airlock.upstream", ifLost.forwarded().upstream())
                                .startSpan())));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> onCallFinished(CallRecord record) {
    String outcome = record.outcome().name().toLowerCase(Locale.ROOT);
    record
        .context()
        .get(Upstream.class)
        .ifPresent(
            upstream -> {
              upstream.span().setAttribute("airlock.outcome", outcome);
              upstream.span().end();
            });
    record
        .context()
        .get(Open.class)
        .ifPresent(
            open -> {
              Span span = open.span();
              Decision decision = record.context().get(Decision.class).orElse(null);
              span.setAttribute(
                  "airlock.decision_id", String.valueOf(record.context().decisionId()));
              if (decision != null) {
                span.setAttribute("airlock.decision", decision.label());
                span.setAttribute("airlock.rule", decision.ruleId());
              }
              span.setAttribute("airlock.outcome", outcome);
              if (record.outcome() == CallOutcome.GATEWAY_ERROR
                  || record.outcome() == CallOutcome.UPSTREAM_ERROR
                  || record.outcome() == CallOutcome.PROTOCOL_ERROR) {
                span.setStatus(StatusCode.ERROR, outcome);
              }
              span.end();
            });
    return CompletableFuture.completedFuture(null);
  }
}
