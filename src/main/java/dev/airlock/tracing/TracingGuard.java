package dev.airlock.tracing;

import dev.airlock.guard.Guard;
import dev.airlock.guard.GuardContext;
import dev.airlock.guard.ToolCall;
import dev.airlock.guard.TraceParent;
import dev.airlock.guard.Verdict;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * First in the chain: opens the call's span (a child of the HTTP request's, when there is one) and
 * shares its traceparent, so the guards after it, parking, Kafka, the decision on any replica and
 * the release all land in one trace. {@link CallSpans} closes it when the call finishes.
 */
@ApplicationScoped
public class TracingGuard implements Guard {

  @Inject @CallTracer Tracer tracer;

  @Override
  public String name() {
    return "tracing";
  }

  @Override
  public CompletionStage<Verdict> onToolCall(ToolCall call, GuardContext context) {
    Span span =
        tracer
            .spanBuilder("tools/call " + call.tool())
            .setParent(Context.current())
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute("mcp.method.name", "tools/call")
            .setAttribute("mcp.tool.name", call.tool())
            .setAttribute("airlock.upstream", call.upstream())
            .setAttribute("airlock.agent", String.valueOf(call.caller().agent()))
            .setAttribute("airlock.session", String.valueOf(call.sessionId()))
            .startSpan();
    context.put(CallSpans.Open.class, new CallSpans.Open(span));
    String traceParent = TraceContexts.traceParent(span);
    if (traceParent != null) {
      context.put(TraceParent.class, new TraceParent(traceParent));
    }
    return CompletableFuture.completedFuture(Verdict.forward(call));
  }
}
