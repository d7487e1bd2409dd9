package dev.airlock.guard;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Told about every {@code tools/call} (audit, metrics): before it is forwarded and once it has
 * finished, each time before the relay goes on. Called on the thread that reached that point:
 * implementations must not block; the relay waits for the returned stage (e.g. a durable audit
 * append).
 */
public interface CallObserver {

  /**
   * The call is about to go upstream; {@code ifLost} is its record should Airlock stop before it
   * finishes (outcome {@link CallOutcome#UNKNOWN}). The call is forwarded only if the stage
   * completes normally: a failed stage fails the call closed.
   */
  default CompletionStage<Void> beforeForward(CallRecord ifLost) {
    return CompletableFuture.completedFuture(null);
  }

  /** The call finished; the client gets its answer once the stage completes, however it does. */
  CompletionStage<Void> onCallFinished(CallRecord record);
}
