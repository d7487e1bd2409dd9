package dev.airlock.guard;

/**
 * Told about every finished {@code tools/call} (audit, metrics). Called on the thread that finished
 * the call: implementations must not block; hand work to a queue instead.
 */
public interface CallObserver {
  void onCallFinished(CallRecord record);
}
