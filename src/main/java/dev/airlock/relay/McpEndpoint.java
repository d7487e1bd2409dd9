package dev.airlock.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.guard.Caller;
import dev.airlock.jsonrpc.JsonRpc;
import dev.airlock.upstream.UpstreamTransport;
import dev.airlock.upstream.Upstreams;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The MCP Streamable HTTP endpoint at {@code /mcp/{upstream}}: checks each HTTP request (origin,
 * accept, content type, protocol version, session, credentials), then hands JSON-RPC messages to
 * the client's {@link ClientSession}. Only this class knows HTTP.
 */
@ApplicationScoped
public class McpEndpoint {

  private static final Logger LOG = Logger.getLogger(McpEndpoint.class);
  static final String SESSION_HEADER = "Mcp-Session-Id";
  static final String VERSION_HEADER = "MCP-Protocol-Version";

  private final Upstreams upstreams;
  private final Sessions sessions;
  private final Relay relay;
  private final RelayConfig config;
  private final Instance<AgentAuthenticator> authenticators;
  private final OriginCheck originCheck;

  @Inject
  public McpEndpoint(
      Upstreams upstreams,
      Sessions sessions,
      Relay relay,
      RelayConfig config,
      Instance<AgentAuthenticator> authenticators) {
    this.upstreams = upstreams;
    this.sessions = sessions;
    this.relay = relay;
    this.config = config;
    this.authenticators = authenticators;
    this.originCheck =
        new OriginCheck(
            config.allowedOrigins().orElse(List.of()), config.allowedHosts().orElse(List.of()));
  }

  void routes(@Observes Router router) {
    router
        .post("/mcp/:upstream")
        .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
        .handler(this::onPost)
        .failureHandler(this::onPostFailure);
    router.get("/mcp/:upstream").handler(this::onGet);
    router.delete("/mcp/:upstream").handler(this::onDelete);
    router.route("/mcp/:upstream").handler(ctx -> plainError(ctx, 405, "Method not allowed"));
  }

  // ---- POST: one JSON-RPC message --------------------------------------------------------------

  /** The body handler refuses a body over the limit; say so in JSON-RPC, as for every refusal. */
  private void onPostFailure(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      rpcError(
          ctx,
          413,
          null,
          JsonRpc.INVALID_REQUEST,
          "Request body is over the "
              + config.maxBodyBytes()
              + "-byte limit (airlock.relay.max-body-bytes)");
      return;
    }
    ctx.next();
  }

  private void onPost(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Optional<UpstreamTransport> upstream = checkCommon(ctx);
    if (upstream.isEmpty()) {
      return;
    }
    String accept = lower(request.getHeader(HttpHeaders.ACCEPT));
    if (!accept.contains("application/json") || !accept.contains("text/event-stream")) {
      rpcError(
          ctx,
          406,
          null,
          JsonRpc.INVALID_REQUEST,
          "Accept must list both application/json and text/event-stream");
      return;
    }
    String contentType = lower(request.getHeader(HttpHeaders.CONTENT_TYPE));
    if (!contentType.startsWith("application/json")) {
      rpcError(ctx, 415, null, JsonRpc.INVALID_REQUEST, "Content-Type must be application/json");
      return;
    }
    JsonNode body;
    try {
      body =
          JsonRpc.JSON.readTree(
              ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
    } catch (IOException e) {
      rpcError(ctx, 400, null, JsonRpc.PARSE_ERROR, "Parse error: the body is not valid JSON");
      return;
    }
    if (body == null || body.isMissingNode()) {
      rpcError(ctx, 400, null, JsonRpc.PARSE_ERROR, "Parse error: the body is empty");
      return;
    }
    if (body.isArray()) {
      rpcError(
          ctx,
          400,
          null,
          JsonRpc.INVALID_REQUEST,
          "JSON-RPC batches are not supported (removed from MCP in 2025-06-18); send one message per request");
      return;
    }
    JsonRpc.Kind kind = JsonRpc.kind(body);
    if (kind == JsonRpc.Kind.INVALID) {
      rpcError(
          ctx,
          400,
          body.get("id"),
          JsonRpc.INVALID_REQUEST,
          "Invalid Request: not a JSON-RPC 2.0 request, notification or response");
      return;
    }
    ObjectNode message = (ObjectNode) body;
    boolean initialize =
        kind == JsonRpc.Kind.REQUEST && "initialize".equals(message.path("method").asText());
    authenticate(request, upstream.get().name())
        .whenComplete(
            (result, error) ->
                ctx.vertx()
                    .runOnContext(
                        v -> {
                          if (error != null) {
                            LOG.error("Authentication failed unexpectedly", error);
                            rpcError(
                                ctx,
                                500,
                                message.get("id"),
                                JsonRpc.INTERNAL_ERROR,
                                "Authentication is unavailable");
                            return;
                          }
                          if (result instanceof AgentAuthenticator.Result.Refused refused) {
                            refuse(ctx, refused, message.get("id"));
                            return;
                          }
                          Caller caller =
                              ((AgentAuthenticator.Result.Authenticated) result).caller();
                          if (initialize) {
                            startSession(ctx, upstream.get(), caller, message);
                          } else {
                            continueSession(ctx, caller, kind, message);
                          }
                        }));
  }

  private void startSession(
      RoutingContext ctx, UpstreamTransport upstream, Caller caller, ObjectNode message) {
    ClientSession session =
        new ClientSession(Sessions.newId(), upstream.name(), caller, upstream, relay);
    sessions.add(session);
    ctx.response().putHeader(SESSION_HEADER, session.id());
    session.onRequest(message, channel(ctx, session, message));
  }

  private void continueSession(
      RoutingContext ctx, Caller caller, JsonRpc.Kind kind, ObjectNode message) {
    Optional<ClientSession> found = session(ctx, caller, message.get("id"));
    if (found.isEmpty()) {
      return;
    }
    ClientSession session = found.get();
    if (kind == JsonRpc.Kind.REQUEST) {
      session.onRequest(message, channel(ctx, session, message));
      return;
    }
    CompletionStage<Void> sent =
        kind == JsonRpc.Kind.NOTIFICATION
            ? session.onNotification(message)
            : session.onClientResponse(message);
    sent.whenComplete(
        (v, error) ->
            ctx.vertx()
                .runOnContext(
                    x -> {
                      if (error == null) {
                        ctx.response().setStatusCode(202).end();
                      } else {
                        rpcError(ctx, 400, null, JsonRpc.INVALID_REQUEST, rootMessage(error));
                      }
                    }));
  }

  private ResponseChannel channel(RoutingContext ctx, ClientSession session, ObjectNode request) {
    JsonNode id = request.get("id");
    return new ResponseChannel(
        ctx.response(),
        ctx.vertx().getOrCreateContext(),
        session.protocolVersion(),
        session.id() + "." + id,
        request.path("method").asText(null),
        config.sseRetryMillis(),
        config.keepAliveInterval());
  }

  // ---- GET: the standalone server stream -------------------------------------------------------

  private void onGet(RoutingContext ctx) {
    Optional<UpstreamTransport> upstream = checkCommon(ctx);
    if (upstream.isEmpty()) {
      return;
    }
    if (!lower(ctx.request().getHeader(HttpHeaders.ACCEPT)).contains("text/event-stream")) {
      rpcError(ctx, 406, null, JsonRpc.INVALID_REQUEST, "Accept must list text/event-stream");
      return;
    }
    withSession(
        ctx,
        upstream.get(),
        session -> {
          session.touch();
          String lastEventId = ctx.request().getHeader("Last-Event-ID");
          if (lastEventId != null && lastEventId.startsWith(session.id() + ".")) {
            // An id from a request's stream (ResponseChannel), not from this server stream: those
            // streams end with their connection, and replaying this one instead would hand the
            // client events of another stream, which the specification forbids.
            rpcError(
                ctx,
                400,
                null,
                JsonRpc.INVALID_REQUEST,
                "Last-Event-ID "
                    + lastEventId
                    + " is from the stream of a request, which Airlock does not resume: a request's"
                    + " stream ends with its connection");
            return;
          }
          boolean attached =
              session
                  .serverStream()
                  .attach(
                      ctx.response(),
                      ctx.vertx().getOrCreateContext(),
                      lastEventId,
                      session.protocolVersion(),
                      config.sseRetryMillis());
          if (!attached) {
            rpcError(
                ctx,
                409,
                null,
                JsonRpc.INVALID_REQUEST,
                "This session already has an open server stream");
          }
        });
  }

  // ---- DELETE: end the session -----------------------------------------------------------------

  private void onDelete(RoutingContext ctx) {
    Optional<UpstreamTransport> upstream = checkCommon(ctx);
    if (upstream.isEmpty()) {
      return;
    }
    withSession(
        ctx,
        upstream.get(),
        session -> {
          sessions.end(session);
          ctx.response().setStatusCode(200).end();
        });
  }

  /**
   * Authenticates, finds the caller's session, and runs {@code action} on the request's context.
   */
  private void withSession(
      RoutingContext ctx, UpstreamTransport upstream, Consumer<ClientSession> action) {
    authenticate(ctx.request(), upstream.name())
        .whenComplete(
            (result, error) ->
                ctx.vertx()
                    .runOnContext(
                        v -> {
                          if (error != null
                              || result instanceof AgentAuthenticator.Result.Refused) {
                            refuse(
                                ctx,
                                error != null ? null : (AgentAuthenticator.Result.Refused) result,
                                null);
                            return;
                          }
                          Caller caller =
                              ((AgentAuthenticator.Result.Authenticated) result).caller();
                          session(ctx, caller, null).ifPresent(action);
                        }));
  }

  // ---- shared checks ---------------------------------------------------------------------------

  /** Upstream exists, origin/host acceptable, protocol version served. */
  private Optional<UpstreamTransport> checkCommon(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String refusal =
        originCheck.refusal(
            request.getHeader(HttpHeaders.ORIGIN), request.getHeader(HttpHeaders.HOST));
    if (refusal != null) {
      rpcError(ctx, 403, null, JsonRpc.INVALID_REQUEST, "Forbidden: " + refusal);
      return Optional.empty();
    }
    String name = ctx.pathParam("upstream");
    Optional<UpstreamTransport> upstream = upstreams.find(name);
    if (upstream.isEmpty()) {
      rpcError(
          ctx,
          404,
          null,
          JsonRpc.INVALID_REQUEST,
          "Unknown upstream '"
              + name
              + "'; configured upstreams: "
              + String.join(", ", upstreams.names()));
      return Optional.empty();
    }
    String version = request.getHeader(VERSION_HEADER);
    if (version != null && !ProtocolVersions.supported(version)) {
      rpcError(
          ctx,
          400,
          null,
          JsonRpc.INVALID_REQUEST,
          "Unsupported MCP-Protocol-Version '"
              + version
              + "'; supported: "
              + ProtocolVersions.SUPPORTED);
      return Optional.empty();
    }
    return upstream;
  }

  private Optional<ClientSession> session(RoutingContext ctx, Caller caller, JsonNode id) {
    String sessionId = ctx.request().getHeader(SESSION_HEADER);
    if (sessionId == null) {
      rpcError(
          ctx, 400, id, JsonRpc.INVALID_REQUEST, "Bad Request: Mcp-Session-Id header is required");
      return Optional.empty();
    }
    Optional<ClientSession> session = sessions.find(sessionId);
    // A session is bound to its upstream and to the grant that opened it: anything else is
    // answered as if the session did not exist, so ids cannot be probed or hijacked.
    if (session.isEmpty()
        || session.get().isClosed()
        || !session.get().upstreamName().equals(ctx.pathParam("upstream"))
        || !session.get().caller().grantId().equals(caller.grantId())) {
      rpcError(
          ctx, 404, id, JsonRpc.INVALID_REQUEST, "Session not found; initialize a new session");
      return Optional.empty();
    }
    return session;
  }

  private CompletionStage<AgentAuthenticator.Result> authenticate(
      HttpServerRequest request, String upstream) {
    if (authenticators.isUnsatisfied()) {
      return CompletableFuture.completedFuture(
          new AgentAuthenticator.Result.Authenticated(Caller.ANONYMOUS));
    }
    try {
      return authenticators
          .get()
          .authenticate(request.getHeader(HttpHeaders.AUTHORIZATION), upstream);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void refuse(RoutingContext ctx, AgentAuthenticator.Result.Refused refused, JsonNode id) {
    if (refused == null) {
      rpcError(ctx, 500, id, JsonRpc.INTERNAL_ERROR, "Authentication is unavailable");
      return;
    }
    if (refused.wwwAuthenticate() != null) {
      ctx.response().putHeader("WWW-Authenticate", refused.wwwAuthenticate());
    }
    rpcError(ctx, refused.status(), id, JsonRpc.INVALID_REQUEST, refused.message());
  }

  private static void rpcError(
      RoutingContext ctx, int status, JsonNode id, int code, String message) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.headWritten()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(JsonRpc.error(id, code, message).toString());
  }

  private static void plainError(RoutingContext ctx, int status, String message) {
    ctx.response().putHeader(HttpHeaders.ALLOW, "GET, POST, DELETE");
    rpcError(ctx, status, null, JsonRpc.INVALID_REQUEST, message);
  }

  private static String lower(String value) {
    return value == null ? "" : value.toLowerCase(Locale.ROOT);
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
