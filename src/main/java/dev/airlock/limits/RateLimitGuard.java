package dev.airlock.limits;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.guard.Guard;
import dev.airlock.guard.GuardContext;
import dev.airlock.guard.ToolCall;
import dev.airlock.guard.ToolError;
import dev.airlock.guard.Verdict;
import dev.airlock.policy.Decision;
import dev.airlock.policy.LimitRule;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Counts allowed (and parked) calls against the limits of their rule. Calls without limits never
 * touch the store; when the store is down, limited calls fail closed.
 */
@ApplicationScoped
public class RateLimitGuard implements Guard {

  private final RateLimitStore store;
  private final Vertx vertx;

  @Inject
  public RateLimitGuard(PostgresRateLimitStore store, Vertx vertx) {
    this((RateLimitStore) store, vertx);
  }

  public RateLimitGuard(RateLimitStore store, Vertx vertx) {
    this.store = store;
    this.vertx = vertx;
  }

  @Override
  public String name() {
    return "limits";
  }

  @Override
  public CompletionStage<Verdict> onToolCall(ToolCall call, GuardContext context) {
    Optional<Decision> decision = context.get(Decision.class);
    List<LimitRule> limits = decision.map(RateLimitGuard::limitsOf).orElse(List.of());
    if (limits.isEmpty()) {
      return CompletableFuture.completedFuture(Verdict.forward(call));
    }
    List<String> keys = limits.stream().map(limit -> scopeKey(limit, call)).toList();
    Instant now = Instant.now();
    return vertx
        .executeBlocking(() -> store.tryAcquire(limits, keys, now), false)
        .toCompletionStage()
        .thenApply(
            exceeded -> {
              if (exceeded.isEmpty()) {
                return Verdict.forward(call);
              }
              Decision before = decision.get();
              Decision.Limit limit =
                  new Decision.Limit(
                      before.ruleId(),
                      before.policyVersion(),
                      before.risk(),
                      before.enforced(),
                      exceeded.get().limit(),
                      exceeded.get().retryAfter());
              context.put(Decision.class, limit);
              return limit.enforced() ? Verdict.respond(refusal(limit)) : Verdict.forward(call);
            });
  }

  private static List<LimitRule> limitsOf(Decision decision) {
    if (decision instanceof Decision.Allow allow) {
      return allow.limits();
    }
    if (decision instanceof Decision.Park park) {
      return park.limits();
    }
    return List.of();
  }

  static String scopeKey(LimitRule limit, ToolCall call) {
    return switch (limit.scope()) {
      case GRANT -> "grant:" + call.caller().grantId();
      case SESSION -> "session:" + call.sessionId();
      case AGENT -> "agent:" + call.caller().agent();
      case GLOBAL -> "global";
    };
  }

  static ObjectNode refusal(Decision.Limit limit) {
    LimitRule rule = limit.limit();
    long retry = Math.max(1, (long) Math.ceil(limit.retryAfter().toMillis() / 1000.0));
    String text =
        "Rate limit "
            + rule.counter()
            + ": "
            + rule.max()
            + " per "
            + describe(rule.window())
            + " per "
            + rule.scope().name().toLowerCase(Locale.ROOT)
            + "; retry in "
            + retry
            + " s";
    ObjectNode result = ToolError.of(text);
    ObjectNode details = result.putObject("_meta").putObject("airlock/decision");
    details.put("decision", "limit");
    details.put("rule", limit.ruleId());
    details.put("counter", rule.counter());
    details.put("retryAfterSeconds", retry);
    return result;
  }

  private static String describe(Duration window) {
    if (window.equals(Duration.ofSeconds(1))) {
      return "second";
    }
    if (window.equals(Duration.ofMinutes(1))) {
      return "minute";
    }
    if (window.equals(Duration.ofHours(1))) {
      return "hour";
    }
    if (window.equals(Duration.ofDays(1))) {
      return "day";
    }
    return window.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
