package dev.airlock.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.guard.GuardContext;
import dev.airlock.guard.ToolCall;
import dev.airlock.jsonrpc.JsonRpc;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** The {@link GuardContext} of one client {@code tools/call}. */
final class CallContext implements GuardContext {

  private final ClientSession session;
  private final ResponseChannel channel;
  private final JsonNode progressToken;
  private final Map<Class<?>, Object> values = new ConcurrentHashMap<>();
  private final List<Runnable> withdrawnActions = new CopyOnWriteArrayList<>();
  private final AtomicBoolean withdrawn = new AtomicBoolean();
  private final AtomicInteger progress = new AtomicInteger();

  CallContext(ClientSession session, ResponseChannel channel, JsonNode progressToken) {
    this.session = session;
    this.channel = channel;
    this.progressToken = progressToken;
  }

  @Override
  public void holdOpen() {
    channel.holdOpen();
  }

  @Override
  public boolean wantsProgress() {
    return progressToken != null;
  }

  @Override
  public void progress(String message) {
    if (progressToken == null) {
      return;
    }
    ObjectNode params = JsonRpc.JSON.createObjectNode();
    params.set("progressToken", progressToken);
    params.put("progress", progress.incrementAndGet());
    params.put("message", message);
    channel.send(JsonRpc.notification("notifications/progress", params));
  }

  @Override
  public void notifyClient(ObjectNode notification) {
    session.serverStream().publish(notification);
  }

  @Override
  public void onWithdrawn(Runnable action) {
    withdrawnActions.add(action);
    if (withdrawn.get() && withdrawnActions.remove(action)) {
      action.run();
    }
  }

  /** The client cancelled, ended its session or dropped the connection. */
  void withdraw() {
    if (withdrawn.compareAndSet(false, true)) {
      for (Runnable action : withdrawnActions) {
        if (withdrawnActions.remove(action)) {
          action.run();
        }
      }
    }
  }

  boolean isWithdrawn() {
    return withdrawn.get();
  }

  @Override
  public CompletionStage<ObjectNode> callUpstream(ToolCall call) {
    return session.callUpstreamRecorded(call, this);
  }

  @Override
  public <T> void put(Class<T> type, T value) {
    values.put(type, value);
  }

  @Override
  public <T> Optional<T> get(Class<T> type) {
    return Optional.ofNullable(type.cast(values.get(type)));
  }
}
