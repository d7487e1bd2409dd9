package dev.airlock.guard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Walks the guards in their one true order. The only class that knows that order. */
@ApplicationScoped
public class GuardChain {

  /**
   * Tracing first (it opens the call's span), then policy (it decides), rate limits (they count
   * allowed calls), and approval.
   */
  public static final List<String> ORDER = List.of("tracing", "policy", "limits", "approval");

  private final List<Guard> guards;

  @Inject
  public GuardChain(Instance<Guard> discovered) {
    this(discovered.stream().toList());
  }

  public GuardChain(List<Guard> guards) {
    for (Guard guard : guards) {
      if (!ORDER.contains(guard.name())) {
        throw new IllegalStateException(
            "Guard '" + guard.name() + "' has no place in the chain; known: " + ORDER);
      }
    }
    List<Guard> sorted = new ArrayList<>(guards);
    sorted.sort(Comparator.comparingInt(g -> ORDER.indexOf(g.name())));
    this.guards = List.copyOf(sorted);
  }

  public List<String> names() {
    return guards.stream().map(Guard::name).toList();
  }

  /**
   * Runs the call through every guard. Completes with {@link Verdict.Forward} carrying the call to
   * send upstream, or with the first {@link Verdict.Respond}.
   */
  public CompletionStage<Verdict> onToolCall(ToolCall call, GuardContext context) {
    return next(0, call, context);
  }

  private CompletionStage<Verdict> next(int index, ToolCall call, GuardContext context) {
    if (index == guards.size()) {
      return CompletableFuture.completedFuture(Verdict.forward(call));
    }
    CompletionStage<Verdict> stage;
    try {
      stage = guards.get(index).onToolCall(call, context);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return stage.thenCompose(
        verdict ->
            verdict instanceof Verdict.Forward forward
                ? next(index + 1, forward.call(), context)
                : CompletableFuture.completedFuture(verdict));
  }

  /** Lets every guard rewrite a {@code tools/list} result, in chain order. */
  public ArrayNode onToolsList(ToolListing listing, ArrayNode tools) {
    ArrayNode current = tools;
    for (Guard guard : guards) {
      current = guard.onToolsList(listing, current);
    }
    return current;
  }
}
