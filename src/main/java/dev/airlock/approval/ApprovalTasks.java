package dev.airlock.approval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.guard.GuardContext;
import dev.airlock.guard.ToolCall;
import dev.airlock.guard.Verdict;
import dev.airlock.jsonrpc.JsonRpc;
import dev.airlock.relay.OwnedTasks;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
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

  /** The longest a client may ask a task to be kept past the floor {@link #grantedTtl} sets. */
  static final Duration MAX_EXTRA_RETENTION = Duration.ofHours(24);

  private final Map<String, TaskState> tasks = new ConcurrentHashMap<>();

  @Inject ApprovalService approvals;
  @Inject ApprovalConfig config;
  @Inject Vertx vertx;

  /** One task: its status, and the result once there is one. */
  private static final class TaskState {
    final String taskId = UUID.randomUUID().toString();
    final String approvalId;
    final String sessionId;
    final Instant createdAt = Instant.now();
    final long ttl;
    // Until the final status is announced; then let go, as it holds the client's session.
    private GuardContext context;
    final CompletableFuture<ObjectNode> result = new CompletableFuture<>();
    volatile String status = "working";
    volatile String statusMessage;
    volatile Instant lastUpdatedAt = createdAt;

    TaskState(String approvalId, String sessionId, long ttl, String message, GuardContext context) {
      this.approvalId = approvalId;
      this.sessionId = sessionId;
      this.ttl = ttl;
      this.statusMessage = message;
      this.context = context;
    }

    /**
     * The task's one final status (the first of a release and a cancel wins), announced to the
     * client with {@code notifications/tasks/status} so it need not poll.
     */
    synchronized void finish(String newStatus, String message, ObjectNode value) {
      if (result.isDone()) {
        return;
      }
      status = newStatus;
      statusMessage = message;
      lastUpdatedAt = Instant.now();
      ObjectNode meta =
          value.get("_meta") instanceof ObjectNode existing ? existing : value.putObject("_meta");
      meta.putObject("io.modelcontextprotocol/related-task").put("taskId", taskId);
      result.complete(value);
      context.notifyClient(JsonRpc.notification("notifications/tasks/status", describe(this)));
      context = null;
    }
  }

  /** Starts a task for a parked call and returns the {@code CreateTaskResult}. */
  ObjectNode start(
      ToolCall call,
      ApprovalView view,
      GuardContext context,
      CompletableFuture<ApprovalView> decided,
      BiFunction<ToolCall, ApprovalView, CompletionStage<Verdict>> outcome) {
    Long requested = call.task().hasNonNull("ttl") ? call.task().get("ttl").asLong() : null;
    long ttl = grantedTtl(requested, Duration.between(Instant.now(), view.expiresAt()));
    TaskState task =
        new TaskState(
            view.id(), call.sessionId(), ttl, ApprovalGuard.waitingMessage(view), context);
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
                          // decided is complete: its view is what released the call
                          task.finish(
                              "completed",
                              "Approved by "
                                  + decided.join().decidedBy()
                                  + "; the call was released",
                              result);
                          return result;
                        });
              }
              ObjectNode refusal = ((Verdict.Respond) verdict).result();
              // A withdrawn request (tasks/cancel, the session ended) is a cancelled task, however
              // the cancel's own answer and this release race.
              boolean withdrawn = decided.join().status() == ApprovalStatus.CANCELLED;
              task.finish(
                  withdrawn ? "cancelled" : "failed",
                  refusal.path("content").path(0).path("text").asText(),
                  refusal);
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

  /**
   * The ttl Airlock grants a task (MCP lets the receiver choose): at least the approval's time left
   * plus {@code airlock.approval.task-retention}, so a task is never forgotten before its result
   * could be fetched whatever a client asked (clients ask for a minute), and at most {@link
   * #MAX_EXTRA_RETENTION} more than that, so no client keeps results in memory for good.
   */
  long grantedTtl(Long requested, Duration untilExpiry) {
    long floor = Math.max(0, untilExpiry.toMillis()) + config.taskRetention().toMillis();
    long ceiling = floor + MAX_EXTRA_RETENTION.toMillis();
    return requested == null ? floor : Math.min(Math.max(requested, floor), ceiling);
  }

  /** Forgets finished tasks whose ttl has passed, with their results. */
  @Scheduled(
      every = "1m",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void forgetExpired() {
    forgetExpired(Instant.now());
  }

  /** The tasks forgotten at {@code now}: finished, created more than their ttl before it. */
  int forgetExpired(Instant now) {
    int before = tasks.size();
    tasks.values().removeIf(t -> t.result.isDone() && t.createdAt.plusMillis(t.ttl).isBefore(now));
    return before - tasks.size();
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
    out.put("ttl", task.ttl);
    out.put("pollInterval", POLL_INTERVAL_MS);
    return out;
  }
}
