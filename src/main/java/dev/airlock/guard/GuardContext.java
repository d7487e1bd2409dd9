package dev.airlock.guard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What a guard may do besides returning its verdict. One context per call. */
public interface GuardContext {

  /**
   * Keeps the client's request open while the call waits: its answer becomes an SSE stream that the
   * relay keeps alive until the verdict. Safe to call from any thread.
   */
  void holdOpen();

  /** Whether the client asked for progress: its request carries a progress token. */
  boolean wantsProgress();

  /**
   * Tells the waiting client what is going on with a {@code notifications/progress}; nothing when
   * it did not ask for progress. Safe to call from any thread.
   */
  void progress(String message);

  /**
   * Sends a notification outside this request, on the session's own stream (the client's GET
   * stream, kept for it until it opens one): for what outlives the request, such as the status of a
   * task Airlock owns. Safe to call from any thread.
   */
  void notifyClient(ObjectNode notification);

  /**
   * Runs {@code action} once if the client withdraws the call: {@code notifications/cancelled},
   * session ended, or connection dropped. Runs at once if it already has.
   */
  void onWithdrawn(Runnable action);

  /**
   * Sends a call to the upstream outside the normal flow and completes with its JSON-RPC {@code
   * result}: for calls whose answer Airlock owns (tasks).
   */
  CompletionStage<ObjectNode> callUpstream(ToolCall call);

  /** Shares a value with later guards and with the call's observers (audit, metrics). */
  <T> void put(Class<T> type, T value);

  <T> Optional<T> get(Class<T> type);

  /**
   * The id that joins this call's log lines, audit event, approval and reviewers' votes: its
   * approval's id once it has one, else its own {@link CallId}.
   */
  default String decisionId() {
    return get(ApprovalRef.class)
        .map(ApprovalRef::id)
        .orElseGet(() -> get(CallId.class).map(CallId::value).orElse(null));
  }
}
