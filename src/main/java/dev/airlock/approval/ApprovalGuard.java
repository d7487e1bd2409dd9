package dev.airlock.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.guard.ApprovalRef;
import dev.airlock.guard.Guard;
import dev.airlock.guard.GuardContext;
import dev.airlock.guard.ToolCall;
import dev.airlock.guard.ToolError;
import dev.airlock.guard.ToolListing;
import dev.airlock.guard.TraceParent;
import dev.airlock.guard.Verdict;
import dev.airlock.policy.ApprovalRule;
import dev.airlock.policy.CanonicalJson;
import dev.airlock.policy.Decision;
import dev.airlock.relay.ToolCatalog;
import dev.airlock.tracing.CallTracer;
import dev.airlock.tracing.TraceContexts;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Last in the chain: parks calls the policy sends for approval and releases them only against a
 * recorded, unreleased APPROVED request. How the agent waits (hold, task, retry, or auto) is the
 * rule's choice; see docs/approvals.md.
 */
@ApplicationScoped
public class ApprovalGuard implements Guard {

  @Inject ApprovalService approvals;
  @Inject ParkedCalls parked;
  @Inject ApprovalConfig config;
  @Inject ToolCatalog catalog;
  @Inject ApprovalTasks tasks;
  @Inject Vertx vertx;
  @Inject @CallTracer Tracer tracer;

  @Override
  public String name() {
    return "approval";
  }

  /** Tools that may need approval can be called as tasks, which Airlock answers itself. */
  @Override
  public ArrayNode onToolsList(ToolListing listing, ArrayNode tools) {
    for (JsonNode tool : tools) {
      if (tool.path("_meta").path("airlock/requiresApproval").asBoolean(false)
          && tool instanceof ObjectNode object) {
        ObjectNode execution =
            object.get("execution") instanceof ObjectNode existing
                ? existing
                : object.putObject("execution");
        if (!execution.has("taskSupport")
            || "forbidden".equals(execution.path("taskSupport").asText())) {
          execution.put("taskSupport", "optional");
        }
      }
    }
    return tools;
  }

  @Override
  public CompletionStage<Verdict> onToolCall(ToolCall call, GuardContext context) {
    Optional<Decision> decision = context.get(Decision.class);
    if (decision.isEmpty() || !(decision.get() instanceof Decision.Park park) || !park.enforced()) {
      return CompletableFuture.completedFuture(Verdict.forward(call));
    }
    // The digest an approval is bound to, and the size its request would have on Kafka.
    CanonicalJson.Measured canonical = CanonicalJson.measure(call.arguments());
    if (canonical.bytes() > config.maxArgumentsBytes()) {
      return CompletableFuture.completedFuture(Verdict.respond(tooLarge(canonical.bytes())));
    }
    String digest = canonical.sha256();
    return blocking(
            () ->
                approvals.reusableFor(
                    call.caller().grantId(),
                    call.upstream(),
                    call.tool(),
                    digest,
                    park.policyVersion(),
                    config.retryValidity()))
        .thenCompose(
            existing -> {
              if (existing.isPresent()) {
                return attach(call, context, park, existing.get());
              }
              ObjectNode shown = Redaction.apply(call.arguments(), park.approval().redact());
              JsonNode schema = catalog.inputSchema(call.upstream(), call.tool()).orElse(null);
              return blocking(
                      () ->
                          approvals.park(
                              new ParkRequest(
                                  call,
                                  park,
                                  shown,
                                  digest,
                                  schema,
                                  context
                                      .get(TraceParent.class)
                                      .map(TraceParent::value)
                                      .orElse(null))))
                  .thenCompose(
                      view -> {
                        context.put(ApprovalRef.class, new ApprovalRef(view.id()));
                        return waitFor(call, context, park, view);
                      });
            });
  }

  /** An identical call (same grant, upstream, tool, canonical arguments, policy) came back. */
  private CompletionStage<Verdict> attach(
      ToolCall call, GuardContext context, Decision.Park park, ApprovalView existing) {
    context.put(ApprovalRef.class, new ApprovalRef(existing.id()));
    if (existing.status() == ApprovalStatus.PENDING) {
      return waitFor(call, context, park, existing);
    }
    return outcome(call, existing);
  }

  private CompletionStage<Verdict> waitFor(
      ToolCall call, GuardContext context, Decision.Park park, ApprovalView view) {
    ApprovalRule.WaitMode mode = park.approval().waitMode();
    boolean wantsTask = call.task() != null;
    if (mode == ApprovalRule.WaitMode.RETRY) {
      return CompletableFuture.completedFuture(Verdict.respond(pending(view)));
    }
    if (wantsTask && (mode == ApprovalRule.WaitMode.TASK || mode == ApprovalRule.WaitMode.AUTO)) {
      return CompletableFuture.completedFuture(
          Verdict.respond(
              tasks.start(call, view, context, parked.await(view.id()), this::outcome)));
    }
    // A call without a task cannot be answered with one: task mode waits for it as auto mode does.
    Duration budget = mode == ApprovalRule.WaitMode.HOLD ? null : config.holdBudget();
    return hold(call, context, view, budget);
  }

  /**
   * Holds the call until a final decision, reporting progress. With a budget (auto mode), the agent
   * is told to retry when it runs out, and the approval stays pending for that retry.
   */
  private CompletionStage<Verdict> hold(
      ToolCall call, GuardContext context, ApprovalView view, Duration budget) {
    CompletableFuture<ApprovalView> decided = parked.await(view.id());
    Span waiting =
        tracer
            .spanBuilder("approval wait")
            .setParent(
                TraceContexts.parent(
                    context.get(TraceParent.class).map(TraceParent::value).orElse(null)))
            .setAttribute("airlock.decision_id", view.id())
            .startSpan();
    decided.whenComplete(
        (final_, error) -> {
          waiting.setAttribute(
              "airlock.status", final_ == null ? "withdrawn" : final_.status().name());
          waiting.end();
        });
    AtomicBoolean promised = new AtomicBoolean();
    context.onWithdrawn(
        () -> {
          if (!promised.get()) {
            parked.forget(view.id());
            vertx.executeBlocking(
                () -> approvals.cancel(view.id(), "the agent withdrew the call"), false);
            decided.cancel(false);
          }
        });
    context.holdOpen();
    // The relay keeps the held stream alive; progress goes only to clients that asked for it.
    Optional<Long> progressTicker =
        context.wantsProgress() ? Optional.of(reportProgress(context, view)) : Optional.empty();
    CompletableFuture<ApprovalView> bounded =
        budget == null
            ? decided
            : decided.copy().orTimeout(budget.toMillis(), TimeUnit.MILLISECONDS);
    return bounded
        .handle(
            (final_, error) -> {
              progressTicker.ifPresent(vertx::cancelTimer);
              if (final_ != null) {
                return outcome(call, final_);
              }
              if (error instanceof TimeoutException) {
                promised.set(true);
                return CompletableFuture.completedFuture(Verdict.respond(pending(view)));
              }
              return CompletableFuture.completedFuture(Verdict.respond(withdrawn(view)));
            })
        .thenCompose(stage -> stage);
  }

  /** Reports progress now and every progress interval; returns the timer that does. */
  private long reportProgress(GuardContext context, ApprovalView view) {
    context.progress(waitingMessage(view));
    return vertx.setPeriodic(
        config.progressInterval().toMillis(), t -> context.progress(waitingMessage(view)));
  }

  /** What a final decision means for the call. Releases at most once, only if APPROVED. */
  CompletionStage<Verdict> outcome(ToolCall call, ApprovalView view) {
    switch (view.status()) {
      case APPROVED:
        return blocking(() -> approvals.claimRelease(view.id()))
            .thenApply(
                params -> {
                  if (params.isEmpty()) {
                    return Verdict.respond(
                        error(
                            view,
                            "Approval "
                                + shortId(view)
                                + " was already used; call again to request a new one"));
                  }
                  return Verdict.forward(
                      call.withArguments((ObjectNode) params.get().get("arguments")));
                });
      case DENIED:
        return CompletableFuture.completedFuture(
            Verdict.respond(
                error(
                    view,
                    "Denied by reviewer "
                        + view.decidedBy()
                        + (view.decisionReason() == null || view.decisionReason().isBlank()
                            ? ""
                            : ": " + view.decisionReason()))));
      case EXPIRED:
        return CompletableFuture.completedFuture(
            Verdict.respond(
                error(
                    view,
                    "Approval "
                        + shortId(view)
                        + " timed out after "
                        + minutes(Duration.between(view.requestedAt(), view.expiresAt()))
                        + " without a decision")));
      default:
        return CompletableFuture.completedFuture(Verdict.respond(withdrawn(view)));
    }
  }

  static String waitingMessage(ApprovalView view) {
    long left = Math.max(0, Duration.between(Instant.now(), view.expiresAt()).toMinutes());
    return "Waiting for approval "
        + shortId(view)
        + " ("
        + view.approvalsNeeded()
        + " of "
        + view.quorum()
        + " reviewer"
        + (view.quorum() == 1 ? "" : "s")
        + " needed), expires in "
        + left
        + " min";
  }

  static ObjectNode pending(ApprovalView view) {
    return error(
        view,
        "Approval "
            + shortId(view)
            + " is pending ("
            + view.approvalsNeeded()
            + " of "
            + view.quorum()
            + " reviewer"
            + (view.quorum() == 1 ? "" : "s")
            + " needed); call again with the same arguments after it is approved");
  }

  /** Refused before anything is stored: there is no request, so no approval metadata. */
  private ObjectNode tooLarge(int size) {
    return ToolError.of(
        "Arguments too large for an approval request: "
            + size
            + " bytes, at most "
            + config.maxArgumentsBytes()
            + " (airlock.approval.max-arguments-bytes); nothing was parked");
  }

  private static ObjectNode withdrawn(ApprovalView view) {
    return error(view, "Approval " + shortId(view) + " was cancelled");
  }

  static ObjectNode error(ApprovalView view, String text) {
    ObjectNode result = ToolError.of(text);
    ObjectNode meta = result.putObject("_meta").putObject("airlock/approval");
    meta.put("id", view.id());
    meta.put("status", view.status().name().toLowerCase(Locale.ROOT));
    meta.put("expiresAt", view.expiresAt().toString());
    meta.put("approvalsNeeded", view.approvalsNeeded());
    return result;
  }

  static String shortId(ApprovalView view) {
    return view.id().substring(0, 8);
  }

  private static String minutes(Duration duration) {
    long minutes = duration.toMinutes();
    return minutes >= 1 ? minutes + " min" : duration.toSeconds() + " s";
  }

  private <T> CompletionStage<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false).toCompletionStage();
  }
}
