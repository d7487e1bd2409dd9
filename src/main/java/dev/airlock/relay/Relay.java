package dev.airlock.relay;

import dev.airlock.guard.CallObserver;
import dev.airlock.guard.CallRecord;
import dev.airlock.guard.GuardChain;
import dev.airlock.logging.DecisionLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What every client session needs from the application: the chain, catalog, observers. */
@ApplicationScoped
public class Relay {

  private static final DecisionLog DECISIONS = DecisionLog.of(Relay.class);

  private final GuardChain chain;
  private final ToolCatalog catalog;
  private final RelayConfig config;
  private final Sessions sessions;
  private final List<CallObserver> observers;
  private final List<OwnedTasks> ownedTasks;

  @Inject
  public Relay(
      GuardChain chain,
      ToolCatalog catalog,
      RelayConfig config,
      Sessions sessions,
      Instance<CallObserver> observers,
      Instance<OwnedTasks> ownedTasks) {
    this.chain = chain;
    this.catalog = catalog;
    this.config = config;
    this.sessions = sessions;
    this.observers = observers.stream().toList();
    this.ownedTasks = ownedTasks.stream().toList();
  }

  GuardChain chain() {
    return chain;
  }

  ToolCatalog catalog() {
    return catalog;
  }

  RelayConfig config() {
    return config;
  }

  Sessions sessions() {
    return sessions;
  }

  List<OwnedTasks> ownedTasks() {
    return ownedTasks;
  }

  /**
   * Completes when every observer has recorded that the call is about to be forwarded; fails if one
   * could not, and the call must then not be forwarded.
   */
  CompletionStage<Void> beforeForward(CallRecord ifLost) {
    CompletableFuture<?>[] stages = new CompletableFuture<?>[observers.size()];
    for (int i = 0; i < observers.size(); i++) {
      try {
        stages[i] = observers.get(i).beforeForward(ifLost).toCompletableFuture();
      } catch (RuntimeException e) {
        stages[i] = CompletableFuture.failedFuture(e);
      }
    }
    return CompletableFuture.allOf(stages);
  }

  /** Completes when every observer has taken the record (the audit entry is committed). */
  CompletionStage<Void> observe(CallRecord record) {
    CompletableFuture<?>[] stages = new CompletableFuture<?>[observers.size()];
    for (int i = 0; i < observers.size(); i++) {
      CallObserver observer = observers.get(i);
      CompletionStage<Void> stage;
      try {
        stage = observer.onCallFinished(record);
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      stages[i] =
          stage
              .toCompletableFuture()
              .exceptionally(
                  error -> {
                    DECISIONS.error(
                        record.context().decisionId(),
                        null,
                        "Call observer %s failed: %s",
                        observer.getClass().getSimpleName(),
                        error.getMessage());
                    return null;
                  });
    }
    return CompletableFuture.allOf(stages);
  }
}
