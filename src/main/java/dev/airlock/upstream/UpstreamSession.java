package dev.airlock.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletionStage;

/**
 * One MCP session with an upstream server, owned by one client session at Airlock. Ids in the
 * messages are the upstream's (the relay remaps them).
 */
public interface UpstreamSession {

  /** Sends a JSON-RPC request; everything the upstream answers to it goes to {@code stream}. */
  void request(ObjectNode request, String protocolVersion, UpstreamStream stream);

  /** Sends a notification, or a response to a server-to-client request. */
  CompletionStage<Void> send(ObjectNode message, String protocolVersion);

  /** Opens the standalone server stream once the session is initialized (no-op for stdio). */
  void openServerStream(String protocolVersion);

  /** Ends the session upstream (HTTP DELETE, or stopping the process). Idempotent. */
  void close();
}
