package dev.airlock.approval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.guard.GuardContext;
import dev.airlock.guard.ToolCall;
import dev.airlock.guard.Verdict;
import dev.airlock.relay.OwnedTasks;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Tasks (MCP 2025-11-25) that Airlock owns: a task-augmented {@code tools/call} that needs approval
 * is answered at once with a task; the task completes with the released call's result, or fails
 * with the reviewer's reason. Tasks live on the replica that holds the call.
 */
@ApplicationScoped
public class ApprovalTasks implements OwnedTasks {

  private static final long POLL_INTERVAL_MS = 5000;

  private final Map<String, TaskState> tasks = new ConcurrentHashMap<>();

  @Inject ApprovalService approvals;
  @Inject Vertx vertx;

  /** One task: its status, and the result once there is one. */
  private static final class TaskState {
    final String taskId = UUID.randomUUID().toString();
    final String approvalId;
    final String sessionId;
    final Instant createdAt = Instant.now();
    final Long ttl;
    final CompletableFuture<ObjectNode> result = new CompletableFuture<>();
    volatile String status = "working";
    volatile String statusMessage;
    volatile Instant lastUpdatedAt = createdAt;

    TaskState(String approvalId, String sessionId, Long ttl, String message) {
      this.approvalId = approvalId;
      this.sessionId = sessionId;
      this.ttl = ttl;
      this.statusMessage = message;
    }

    void finish(String newStatus, String message, ObjectNode value) {
      status = newStatus;
      statusMessage = message;
      lastUpdatedAt = Instant.now();
      ObjectNode meta =
          value.get("_meta") instanceof ObjectNode existing ? existing : value.putObject("_meta");
      meta.putObject("io.modelcontextprotocol/related-task").put("taskId", taskId);
      result.complete(value);
    }
  }

  /** Starts a task for a parked call and returns the {@code CreateTaskResult}. */
  ObjectNode start(
      ToolCall call,
      ApprovalView view,
      GuardContext context,
      CompletableFuture<ApprovalView> decided,
      BiFunction<ToolCall, ApprovalView, CompletionStage<Verdict>> outcome) {
    Long ttl = call.task().hasNonNull("ttl") ? call.task().get("ttl").asLong() : null;
    TaskState task =
        new TaskState(view.id(), call.sessionId(), ttl, ApprovalGuard.waitingMessage(view));
    tasks.put(task.taskId, task);
    decided
        .thenCompose(final_ -> outcome.apply(call.withoutTask(), final_))
        .thenCompose(
            verdict -> {
              if (verdict instanceof Verdict.Forward forward) {
                return context
                    .callUpstream(forward.call().withoutTask())
                    .thenApply(
                        result -> {
                          task.finish(
                              "completed",
                              "Approved by " + "reviewer; the call was released",
                              result);
                          return result;
                        });
              }
              ObjectNode refusal = ((Verdict.Respond) verdict).result();
              task.finish("failed", refusal.path("content").path(0).path("text").asText(), refusal);
              return CompletableFuture.completedFuture(refusal);
            })
        .exceptionally(
            error -> {
              ObjectNode failure =
                  ApprovalGuard.error(
                      view, "The approved call failed upstream: " + error.getMessage());
              task.finish("failed", "the released call failed", failure);
              return failure;
            });
    ObjectNode created = JsonNodeFactory.instance.objectNode();
    created.set("task", describe(task));
    created
        .putObject("_meta")
        .put(
            "io.modelcontextprotocol/model-immediate-response",
            "This call needs human approval ("
                + ApprovalGuard.shortId(view)
                + "); its result will follow.");
    return created;
  }

  @Override
  public Optional<CompletionStage<ObjectNode>> handle(
      String method, ObjectNode params, String sessionId) {
    if (method.equals("tasks/list")) {
      boolean any = tasks.values().stream().anyMatch(t -> t.sessionId.equals(sessionId));
      if (!any) {
        return Optional.empty();
      }
      ObjectNode list = JsonNodeFactory.instance.objectNode();
      var array = list.putArray("tasks");
      tasks.values().stream()
          .filter(t -> t.sessionId.equals(sessionId))
          .forEach(t -> array.add(describe(t)));
      return Optional.of(CompletableFuture.completedFuture(list));
    }
    TaskState task = tasks.get(params.path("taskId").asText(""));
    if (task == null || !task.sessionId.equals(sessionId)) {
      return Optional.empty();
    }
    switch (method) {
      case "tasks/get":
        return Optional.of(CompletableFuture.completedFuture(describe(task)));
      case "tasks/result":
        return Optional.of(task.result.thenApply(ObjectNode::deepCopy));
      case "tasks/cancel":
        return Optional.of(
            vertx
                .executeBlocking(
                    () -> approvals.cancel(task.approvalId, "the agent cancelled its task"), false)
                .toCompletionStage()
                .thenApply(
                    cancelled -> {
                      if (!task.result.isDone()) {
                        task.finish(
                            "cancelled",
                            "The task was cancelled by request.",
                            ApprovalGuard.error(
                                approvals.find(task.approvalId).orElseThrow(),
                                "Approval was cancelled"));
                      }
                      return describe(task);
                    }));
      default:
        return Optional.empty();
    }
  }

  private static ObjectNode describe(TaskState task) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("taskId", task.taskId);
    out.put("status", task.status);
    if (task.statusMessage != null) {
      out.put("statusMessage", task.statusMessage);
    }
    out.put("createdAt", task.createdAt.toString());
    out.put("lastUpdatedAt", task.lastUpdatedAt.toString());
    if (task.ttl == null) {
      out.putNull("ttl");
    } else {
      out.put("ttl", task.ttl);
    }
    out.put("pollInterval", POLL_INTERVAL_MS);
    return out;
  }
}
