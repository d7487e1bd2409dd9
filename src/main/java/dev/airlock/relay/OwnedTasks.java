package dev.airlock.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Tasks Airlock itself owns (a parked call answered with a task, 2025-11-25). The relay asks here
 * before forwarding {@code tasks/*} requests; tasks it does not own belong to the upstream.
 */
public interface OwnedTasks {

  /**
   * Answers {@code tasks/get}, {@code tasks/result}, {@code tasks/list} or {@code tasks/cancel}
   * when the task is Airlock's; empty to let the request through to the upstream.
   *
   * @return a stage of the JSON-RPC {@code result}
   */
  Optional<CompletionStage<ObjectNode>> handle(String method, ObjectNode params, String sessionId);
}
