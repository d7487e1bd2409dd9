package dev.airlock.guard;

import java.util.concurrent.CompletionStage;

/**
 * Told about every finished {@code tools/call} (audit, metrics) before the client gets its answer.
 * Called on the thread that finished the call: implementations must not block; the relay waits for
 * the returned stage (e.g. a durable audit append) before answering, whatever its outcome.
 */
public interface CallObserver {
  CompletionStage<Void> onCallFinished(CallRecord record);
}
