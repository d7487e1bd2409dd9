package dev.airlock.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.airlock.guard.CallId;
import dev.airlock.guard.CallOutcome;
import dev.airlock.guard.CallRecord;
import dev.airlock.guard.Caller;
import dev.airlock.guard.ToolCall;
import dev.airlock.guard.ToolListing;
import dev.airlock.guard.Verdict;
import dev.airlock.jsonrpc.JsonRpc;
import dev.airlock.logging.DecisionLog;
import dev.airlock.upstream.UpstreamException;
import dev.airlock.upstream.UpstreamListener;
import dev.airlock.upstream.UpstreamSession;
import dev.airlock.upstream.UpstreamStream;
import dev.airlock.upstream.UpstreamTransport;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One client session at Airlock and the one upstream session behind it. It owns the id mapping in
 * both directions: client request ids become Airlock-issued upstream ids (so Airlock's own calls,
 * like task releases, can never collide with the client's), and server-to-client request ids become
 * Airlock-issued ids on the client side.
 */
final class ClientSession implements UpstreamListener {

  private static final Logger LOG = Logger.getLogger(ClientSession.class);
  private static final DecisionLog DECISIONS = DecisionLog.of(ClientSession.class);

  /**
   * Twice what MCP advises. A name is kept whole in the audit trail, in an approval request (and
   * its index) and in the Kafka messages of both: an agent's name of megabytes would have stopped
   * the trail's export at Kafka's message limit.
   */
  static final int MAX_TOOL_NAME_CHARS = 256;

  private final String id;
  private final String upstreamName;
  private final Caller caller;
  private final Relay relay;
  private final UpstreamTransport transport;
  private final UpstreamSession upstream;
  private final ServerStream serverStream;
  private final AtomicLong nextUpstreamId = new AtomicLong(1);
  private final AtomicLong nextServerRequestId = new AtomicLong(1);
  private final Map<String, InFlight> byClientId = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> serverRequestIds = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile String protocolVersion = ProtocolVersions.LATEST;
  private volatile boolean initialized;
  private volatile long lastUsedNanos = System.nanoTime();

  ClientSession(
      String id, String upstreamName, Caller caller, UpstreamTransport transport, Relay relay) {
    this.id = id;
    this.upstreamName = upstreamName;
    this.caller = caller;
    this.transport = transport;
    this.relay = relay;
    this.serverStream = new ServerStream(id, relay.config().replayBufferEvents());
    this.upstream = transport.open(this);
  }

  String id() {
    return id;
  }

  String upstreamName() {
    return upstreamName;
  }

  Caller caller() {
    return caller;
  }

  String protocolVersion() {
    return protocolVersion;
  }

  boolean isClosed() {
    return closed.get();
  }

  ServerStream serverStream() {
    return serverStream;
  }

  void touch() {
    lastUsedNanos = System.nanoTime();
  }

  Duration idleFor() {
    return Duration.ofNanos(System.nanoTime() - lastUsedNanos);
  }

  // ---- client -> upstream ------------------------------------------------------------------

  void onRequest(ObjectNode request, ResponseChannel channel) {
    touch();
    String method = request.get("method").asText();
    if (method.equals("tools/call")) {
      onToolCall(request, channel);
      return;
    }
    if (method.startsWith("tasks/") && answerOwnedTask(method, request, channel)) {
      return;
    }
    if (method.equals("initialize")) {
      negotiateDown(request);
    }
    InFlight inFlight = new InFlight(request.get("id"), channel, null, null);
    byClientId.put(JsonRpc.idKey(inFlight.clientId), inFlight);
    forward(request, inFlight);
  }

  private boolean answerOwnedTask(String method, ObjectNode request, ResponseChannel channel) {
    JsonNode params = request.get("params");
    ObjectNode paramsObject =
        params instanceof ObjectNode object ? object : JsonRpc.JSON.createObjectNode();
    for (OwnedTasks owner : relay.ownedTasks()) {
      var answer = owner.handle(method, paramsObject, id);
      if (answer.isPresent()) {
        JsonNode clientId = request.get("id");
        answer
            .get()
            .whenComplete(
                (result, error) ->
                    channel.finish(
                        error == null
                            ? JsonRpc.result(clientId, result)
                            : JsonRpc.error(clientId, JsonRpc.INVALID_PARAMS, rootMessage(error))));
        return true;
      }
    }
    return false;
  }

  /** Airlock serves up to {@link ProtocolVersions#LATEST}; ask the upstream for no newer one. */
  private void negotiateDown(ObjectNode request) {
    JsonNode params = request.get("params");
    if (params instanceof ObjectNode object
        && !ProtocolVersions.supported(object.path("protocolVersion").asText())) {
      object.put("protocolVersion", ProtocolVersions.LATEST);
    }
  }

  private void onToolCall(ObjectNode request, ResponseChannel channel) {
    if (!relay.catalog().knows(upstreamName)) {
      // Guards judge a call by the tool's annotations and schema: learn them once per upstream
      // when the client called a tool without listing first.
      listToolsDirectly()
          .whenComplete(
              (tools, error) -> {
                if (tools != null) {
                  relay.catalog().learn(upstreamName, tools);
                } else {
                  relay.catalog().learn(upstreamName, JsonRpc.JSON.createArrayNode());
                }
                judgeToolCall(request, channel);
              });
      return;
    }
    judgeToolCall(request, channel);
  }

  private CompletionStage<ArrayNode> listToolsDirectly() {
    CompletableFuture<ArrayNode> tools = new CompletableFuture<>();
    long upstreamId = nextUpstreamId.getAndIncrement();
    ObjectNode request = JsonRpc.JSON.createObjectNode();
    request.put("jsonrpc", "2.0").put("id", upstreamId).put("method", "tools/list");
    request.putObject("params");
    LongNode expected = LongNode.valueOf(upstreamId);
    upstream.request(
        request,
        protocolVersion,
        new UpstreamStream() {
          @Override
          public void onMessage(ObjectNode message) {
            if (JsonRpc.isResponseTo(message, expected)) {
              JsonNode list = message.path("result").get("tools");
              tools.complete(
                  list instanceof ArrayNode array ? array : JsonRpc.JSON.createArrayNode());
            } else {
              onUnsolicited(message);
            }
          }

          @Override
          public void onEnd() {
            tools.complete(null);
          }

          @Override
          public void onError(UpstreamException error) {
            tools.complete(null);
          }
        });
    return tools;
  }

  private void judgeToolCall(ObjectNode request, ResponseChannel channel) {
    JsonNode clientId = request.get("id");
    JsonNode params = request.get("params");
    if (!(params instanceof ObjectNode paramsObject) || !params.path("name").isTextual()) {
      channel.finish(
          JsonRpc.error(clientId, JsonRpc.INVALID_PARAMS, "tools/call needs params.name"));
      return;
    }
    if (params.path("name").asText().length() > MAX_TOOL_NAME_CHARS) {
      channel.finish(
          JsonRpc.error(
              clientId,
              JsonRpc.INVALID_PARAMS,
              "params.name has "
                  + params.path("name").asText().length()
                  + " characters; Airlock relays tool names of at most "
                  + MAX_TOOL_NAME_CHARS
                  + " (MCP advises at most 128)"));
      return;
    }
    String badTask = badTaskAugmentation(paramsObject.get("task"));
    if (badTask != null) {
      channel.finish(JsonRpc.error(clientId, JsonRpc.INVALID_PARAMS, badTask));
      return;
    }
    JsonNode argumentsNode = paramsObject.get("arguments");
    if (argumentsNode != null && !argumentsNode.isObject() && !argumentsNode.isNull()) {
      channel.finish(
          JsonRpc.error(clientId, JsonRpc.INVALID_PARAMS, "params.arguments must be an object"));
      return;
    }
    ObjectNode arguments =
        argumentsNode instanceof ObjectNode object ? object : JsonRpc.JSON.createObjectNode();
    String tool = paramsObject.get("name").asText();
    ToolCall call =
        new ToolCall(
            upstreamName,
            id,
            caller,
            tool,
            arguments,
            paramsObject,
            relay.catalog().annotations(upstreamName, tool).orElse(null),
            protocolVersion);
    CallContext context = new CallContext(this, channel, call.progressToken());
    context.put(CallId.class, CallId.random());
    InFlight inFlight = new InFlight(clientId, channel, context, call);
    byClientId.put(JsonRpc.idKey(clientId), inFlight);
    // A dropped connection withdraws a call still held by a guard (waiting for approval); once
    // forwarded, the upstream's work goes on, as the transport specifies.
    channel.onClientGone(
        () -> {
          if (inFlight.upstreamId == null) {
            context.withdraw();
            byClientId.remove(JsonRpc.idKey(clientId), inFlight);
          }
        });
    // The upstream client belongs to this request's Vert.x context; guards and the audit complete
    // on their own threads, so the call is sent from here again.
    Context origin = Vertx.currentContext();
    CompletionStage<Verdict> verdict;
    try {
      verdict = relay.chain().onToolCall(call, context);
    } catch (RuntimeException e) {
      verdict = CompletableFuture.failedFuture(e);
    }
    verdict.whenComplete(
        (decided, error) -> {
          if (context.isWithdrawn()) {
            byClientId.remove(JsonRpc.idKey(clientId), inFlight);
            inFlight.record(relay, CallOutcome.WITHDRAWN, "withdrawn by the client", null);
            return;
          }
          if (error != null) {
            DECISIONS.error(
                context.decisionId(), error, "Guard chain failed for %s on %s", tool, upstreamName);
            ObjectNode failure =
                JsonRpc.error(
                    clientId,
                    JsonRpc.INTERNAL_ERROR,
                    "Airlock could not decide this call and did not forward it: "
                        + rootMessage(error));
            byClientId.remove(JsonRpc.idKey(clientId), inFlight);
            inFlight.finishRecorded(relay, CallOutcome.GATEWAY_ERROR, rootMessage(error), failure);
          } else if (decided instanceof Verdict.Forward forward) {
            inFlight.forwarded = forward.call();
            // Recorded before it goes: a crash after this point cannot lose the call's audit.
            relay
                .beforeForward(inFlight.ifLost())
                .whenComplete(
                    (recorded, notRecorded) -> {
                      if (notRecorded != null) {
                        ObjectNode failure =
                            JsonRpc.error(
                                clientId,
                                JsonRpc.INTERNAL_ERROR,
                                "Airlock could not record this call in its audit trail and did not"
                                    + " forward it: "
                                    + rootMessage(notRecorded));
                        byClientId.remove(JsonRpc.idKey(clientId), inFlight);
                        inFlight.finishRecorded(
                            relay, CallOutcome.GATEWAY_ERROR, rootMessage(notRecorded), failure);
                        return;
                      }
                      ObjectNode upstreamRequest = JsonRpc.JSON.createObjectNode();
                      upstreamRequest.put("jsonrpc", "2.0");
                      upstreamRequest.set("id", clientId);
                      upstreamRequest.put("method", "tools/call");
                      upstreamRequest.set("params", forward.call().params());
                      if (origin == null || origin == Vertx.currentContext()) {
                        forward(upstreamRequest, inFlight);
                      } else {
                        origin.runOnContext(v -> forward(upstreamRequest, inFlight));
                      }
                    });
          } else {
            ObjectNode answer = JsonRpc.result(clientId, ((Verdict.Respond) decided).result());
            byClientId.remove(JsonRpc.idKey(clientId), inFlight);
            inFlight.finishRecorded(relay, CallOutcome.ANSWERED_BY_GUARD, null, answer);
          }
        });
  }

  private void forward(ObjectNode clientRequest, InFlight inFlight) {
    if (closed.get()) {
      inFlight.channel.finish(
          JsonRpc.error(inFlight.clientId, JsonRpc.INVALID_REQUEST, "Session has ended"));
      return;
    }
    long upstreamId = nextUpstreamId.getAndIncrement();
    inFlight.upstreamId = LongNode.valueOf(upstreamId);
    inFlight.forwardedAt = System.nanoTime();
    ObjectNode outgoing = clientRequest.deepCopy();
    outgoing.put("id", upstreamId);
    String version =
        clientRequest.path("method").asText().equals("initialize") ? null : protocolVersion;
    upstream.request(outgoing, version, new ToClient(inFlight));
  }

  CompletionStage<Void> onNotification(ObjectNode notification) {
    touch();
    String method = notification.get("method").asText();
    if (method.equals("notifications/cancelled")) {
      JsonNode requestId = notification.path("params").get("requestId");
      InFlight inFlight = requestId == null ? null : byClientId.get(JsonRpc.idKey(requestId));
      if (inFlight != null) {
        if (inFlight.context != null && inFlight.upstreamId == null) {
          // Still in the guard chain (e.g. waiting for approval): nothing upstream to cancel.
          inFlight.context.withdraw();
          byClientId.remove(JsonRpc.idKey(requestId), inFlight);
          return CompletableFuture.completedFuture(null);
        }
        if (inFlight.upstreamId != null) {
          ObjectNode rewritten = notification.deepCopy();
          ((ObjectNode) rewritten.get("params")).set("requestId", inFlight.upstreamId);
          return upstream.send(rewritten, protocolVersion);
        }
      }
    }
    if (method.equals("notifications/initialized")) {
      initialized = true;
      CompletionStage<Void> sent = upstream.send(notification, protocolVersion);
      return sent.thenRun(() -> upstream.openServerStream(protocolVersion));
    }
    return upstream.send(notification, protocolVersion);
  }

  CompletionStage<Void> onClientResponse(ObjectNode response) {
    touch();
    JsonNode airlockId = response.get("id");
    JsonNode upstreamId = serverRequestIds.remove(airlockId.asText());
    if (upstreamId == null || !airlockId.isTextual()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("No pending server request has id " + airlockId));
    }
    ObjectNode rewritten = response.deepCopy();
    rewritten.set("id", upstreamId);
    return upstream.send(rewritten, protocolVersion);
  }

  /**
   * A call Airlock sends on its own (a task's released call), observed like any forwarded call: its
   * intent is committed before it goes, its outcome recorded when it returns.
   */
  CompletionStage<ObjectNode> callUpstreamRecorded(ToolCall call, CallContext context) {
    Instant started = Instant.now();
    long startedNanos = System.nanoTime();
    AtomicBoolean sent = new AtomicBoolean();
    CallRecord ifLost =
        new CallRecord(
            call,
            call,
            context,
            CallOutcome.UNKNOWN,
            "Airlock stopped before the call's outcome was recorded",
            null,
            started,
            Duration.ZERO,
            null);
    CompletableFuture<ObjectNode> upstreamResult =
        relay
            .beforeForward(ifLost)
            .thenCompose(
                recorded -> {
                  sent.set(true);
                  return callUpstreamDirectly(call);
                })
            .toCompletableFuture();
    // The task's result is handed out only once its audit event is durable.
    return upstreamResult
        .handle(
            (result, error) -> {
              Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
              CallOutcome outcome =
                  error != null
                      ? (sent.get() ? CallOutcome.UPSTREAM_ERROR : CallOutcome.GATEWAY_ERROR)
                      : result.path("isError").asBoolean(false)
                          ? CallOutcome.TOOL_ERROR
                          : CallOutcome.OK;
              ObjectNode response =
                  error != null ? null : JsonRpc.result(JsonRpc.JSON.nullNode(), result);
              return relay.observe(
                  new CallRecord(
                      call,
                      call,
                      context,
                      outcome,
                      error == null ? "released task" : rootMessage(error),
                      response,
                      started,
                      took,
                      took));
            })
        .thenCompose(observed -> upstreamResult);
  }

  CompletionStage<ObjectNode> callUpstreamDirectly(ToolCall call) {
    CompletableFuture<ObjectNode> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(new UpstreamException(upstreamName, "session has ended"));
      return result;
    }
    long upstreamId = nextUpstreamId.getAndIncrement();
    ObjectNode request = JsonRpc.JSON.createObjectNode();
    request.put("jsonrpc", "2.0");
    request.put("id", upstreamId);
    request.put("method", "tools/call");
    request.set("params", call.params());
    LongNode expected = LongNode.valueOf(upstreamId);
    upstream.request(
        request,
        protocolVersion,
        new UpstreamStream() {
          @Override
          public void onMessage(ObjectNode message) {
            if (JsonRpc.isResponseTo(message, expected)) {
              if (message.has("error")) {
                result.completeExceptionally(
                    new UpstreamException(
                        upstreamName, message.get("error").path("message").asText("error")));
              } else {
                result.complete((ObjectNode) message.get("result"));
              }
            } else {
              onUnsolicited(message);
            }
          }

          @Override
          public void onEnd() {
            result.completeExceptionally(
                new UpstreamException(upstreamName, "ended the stream without a response"));
          }

          @Override
          public void onError(UpstreamException error) {
            result.completeExceptionally(error);
          }
        });
    return result;
  }

  // ---- upstream -> client ------------------------------------------------------------------

  @Override
  public void onUnsolicited(ObjectNode message) {
    serverStream.publish(toClient(message));
  }

  @Override
  public void onSessionEnded(String reason) {
    LOG.infof("Upstream %s ended session %s: %s", upstreamName, id, reason);
    relay.sessions().end(this);
  }

  /** Server-to-client requests get an Airlock id; everything else passes unchanged. */
  private ObjectNode toClient(ObjectNode message) {
    if (message.has("method") && message.has("id")) {
      String airlockId = "airlock-" + nextServerRequestId.getAndIncrement();
      serverRequestIds.put(airlockId, message.get("id"));
      ObjectNode rewritten = message.deepCopy();
      rewritten.set("id", TextNode.valueOf(airlockId));
      return rewritten;
    }
    return message;
  }

  /** Ends both sides; every open exchange gets a clear error. Idempotent. */
  void close(String reason) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (InFlight inFlight : byClientId.values()) {
      if (inFlight.context != null) {
        inFlight.context.withdraw();
      }
      inFlight.channel.finish(
          JsonRpc.error(inFlight.clientId, JsonRpc.INVALID_REQUEST, "Session ended: " + reason));
    }
    byClientId.clear();
    serverStream.close();
    upstream.close();
  }

  /**
   * What is wrong with a request's task augmentation (MCP 2025-11-25: {@code {"ttl": ms}}), or
   * null. A ttl that is not a whole number of milliseconds was read as 0, or wrapped around.
   */
  static String badTaskAugmentation(JsonNode task) {
    if (task == null) {
      return null;
    }
    if (!task.isObject()) {
      return "params.task must be an object such as {\"ttl\": 60000}";
    }
    JsonNode ttl = task.get("ttl");
    if (ttl != null
        && !ttl.isNull()
        && !(ttl.canConvertToExactIntegral() && ttl.canConvertToLong() && ttl.asLong() >= 0)) {
      return "params.task.ttl must be a whole number of milliseconds, 0 or more, or null";
    }
    return null;
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }

  /** Delivers what the upstream sends about one client request. */
  private final class ToClient implements UpstreamStream {
    private final InFlight inFlight;
    private final AtomicBoolean answered = new AtomicBoolean();

    ToClient(InFlight inFlight) {
      this.inFlight = inFlight;
    }

    @Override
    public void onMessage(ObjectNode message) {
      if (JsonRpc.isResponseTo(message, inFlight.upstreamId)) {
        answer(message);
        return;
      }
      ObjectNode outgoing = toClient(message);
      if (inFlight.channel.isOpen()) {
        inFlight.channel.send(outgoing);
      } else if (!message.has("result") && !message.has("error")) {
        serverStream.publish(outgoing);
      }
    }

    @Override
    public void onRetryHint(long millis) {
      inFlight.channel.retryHint(millis);
    }

    @Override
    public void onStreamOpened() {
      inFlight.channel.streamNow();
    }

    @Override
    public void onEnd() {
      if (!answered.get()) {
        onError(new UpstreamException(upstreamName, "closed the stream without a response"));
      }
    }

    @Override
    public void onError(UpstreamException error) {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      byClientId.remove(JsonRpc.idKey(inFlight.clientId), inFlight);
      ObjectNode failure =
          JsonRpc.error(inFlight.clientId, JsonRpc.UPSTREAM_ERROR, error.getMessage());
      ObjectNode data = ((ObjectNode) failure.get("error")).putObject("data");
      data.put("upstream", upstreamName);
      if (error.httpStatus() != 0) {
        data.put("status", error.httpStatus());
      }
      inFlight.finishRecorded(relay, CallOutcome.UPSTREAM_ERROR, error.getMessage(), failure);
    }

    /** The upstream's response, which this stream owns (UpstreamStream): rewritten in place. */
    private void answer(ObjectNode response) {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      byClientId.remove(JsonRpc.idKey(inFlight.clientId), inFlight);
      response.set("id", inFlight.clientId);
      String method = inFlight.method();
      if ("initialize".equals(method)) {
        if (!acceptNegotiated(response)) {
          return;
        }
      } else if ("tools/list".equals(method)) {
        rewriteToolList(response);
      }
      CallOutcome outcome =
          response.has("error")
              ? CallOutcome.PROTOCOL_ERROR
              : response.path("result").path("isError").asBoolean(false)
                  ? CallOutcome.TOOL_ERROR
                  : CallOutcome.OK;
      inFlight.finishRecorded(relay, outcome, null, response);
    }

    private boolean acceptNegotiated(ObjectNode response) {
      if (response.has("error")) {
        relay.sessions().end(ClientSession.this);
        return true;
      }
      String negotiated = response.path("result").path("protocolVersion").asText();
      if (!ProtocolVersions.supported(negotiated)) {
        inFlight.channel.finish(
            JsonRpc.error(
                inFlight.clientId,
                JsonRpc.INTERNAL_ERROR,
                "Upstream '"
                    + upstreamName
                    + "' negotiated protocol "
                    + negotiated
                    + ", which Airlock does not serve; served: "
                    + ProtocolVersions.SUPPORTED));
        relay.sessions().end(ClientSession.this);
        return false;
      }
      protocolVersion = negotiated;
      if (!relay.ownedTasks().isEmpty() && negotiated.compareTo("2025-11-25") >= 0) {
        advertiseTasks(response);
      }
      return true;
    }

    /** Airlock answers task-augmented tools/call itself (approvals), so it offers tasks. */
    private void advertiseTasks(ObjectNode response) {
      JsonNode capabilities = response.path("result").get("capabilities");
      if (capabilities instanceof ObjectNode object) {
        ObjectNode tasks =
            object.get("tasks") instanceof ObjectNode existing
                ? existing
                : object.putObject("tasks");
        if (!tasks.has("list")) {
          tasks.putObject("list");
        }
        if (!tasks.has("cancel")) {
          tasks.putObject("cancel");
        }
        ObjectNode requests =
            tasks.get("requests") instanceof ObjectNode existing
                ? existing
                : tasks.putObject("requests");
        ObjectNode tools =
            requests.get("tools") instanceof ObjectNode existing
                ? existing
                : requests.putObject("tools");
        if (!tools.has("call")) {
          tools.putObject("call");
        }
      }
    }

    private void rewriteToolList(ObjectNode response) {
      JsonNode tools = response.path("result").get("tools");
      if (tools instanceof ArrayNode array) {
        relay.catalog().learn(upstreamName, array);
        ArrayNode rewritten =
            relay.chain().onToolsList(new ToolListing(upstreamName, id, caller), array.deepCopy());
        ((ObjectNode) response.get("result")).set("tools", rewritten);
      }
    }
  }

  /** A client request on its way through Airlock. */
  static final class InFlight {
    final JsonNode clientId;
    final ResponseChannel channel;
    final CallContext context;
    final ToolCall call;
    final Instant startedAt = Instant.now();
    final long startedNanos = System.nanoTime();
    volatile JsonNode upstreamId;
    volatile ToolCall forwarded;
    volatile long forwardedAt;

    InFlight(JsonNode clientId, ResponseChannel channel, CallContext context, ToolCall call) {
      this.clientId = clientId;
      this.channel = channel;
      this.context = context;
      this.call = call;
    }

    String method() {
      return call != null ? "tools/call" : channel.method();
    }

    /** Tells the observers, then answers the client: the audit entry is durable first. */
    void finishRecorded(Relay relay, CallOutcome outcome, String detail, ObjectNode response) {
      if (call == null) {
        channel.finish(response);
        return;
      }
      relay
          .observe(finished(outcome, detail, response))
          .whenComplete((v, error) -> channel.finish(response));
    }

    /** What the audit keeps of this call should Airlock stop before it finishes. */
    CallRecord ifLost() {
      return finished(
          CallOutcome.UNKNOWN, "Airlock stopped before the call's outcome was recorded", null);
    }

    /** For a withdrawn call nobody waits for an answer. */
    void record(Relay relay, CallOutcome outcome, String detail, ObjectNode response) {
      relay.observe(finished(outcome, detail, response));
    }

    private CallRecord finished(CallOutcome outcome, String detail, ObjectNode response) {
      long now = System.nanoTime();
      return new CallRecord(
          call,
          forwarded,
          context,
          outcome,
          detail,
          response,
          startedAt,
          Duration.ofNanos(now - startedNanos),
          forwardedAt == 0 ? null : Duration.ofNanos(now - forwardedAt));
    }
  }
}
