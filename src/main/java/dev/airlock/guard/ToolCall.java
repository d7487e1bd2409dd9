package dev.airlock.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code tools/call} request as the guards see it.
 *
 * @param upstream the configured upstream name from the URL ({@code /mcp/{upstream}})
 * @param sessionId the client's {@code Mcp-Session-Id} at Airlock
 * @param caller the authenticated agent
 * @param tool {@code params.name}
 * @param arguments {@code params.arguments} (never null; an empty object when absent)
 * @param params the whole {@code params} object, kept so unknown fields reach the upstream
 * @param annotations the tool's MCP annotations from the upstream's last {@code tools/list}, or
 *     null when unknown
 * @param protocolVersion the protocol revision negotiated with the client
 */
public record ToolCall(
    String upstream,
    String sessionId,
    Caller caller,
    String tool,
    ObjectNode arguments,
    ObjectNode params,
    JsonNode annotations,
    String protocolVersion) {

  /** The {@code _meta.progressToken} the client sent, or null. */
  public JsonNode progressToken() {
    JsonNode meta = params.get("_meta");
    return meta == null ? null : meta.get("progressToken");
  }

  /** The task augmentation ({@code params.task}) of a 2025-11-25 client, or null. */
  public JsonNode task() {
    return params.get("task");
  }

  /** The same call with other arguments; the params follow. */
  public ToolCall withArguments(ObjectNode newArguments) {
    ObjectNode newParams = params.deepCopy();
    newParams.set("arguments", newArguments);
    return new ToolCall(
        upstream, sessionId, caller, tool, newArguments, newParams, annotations, protocolVersion);
  }

  /** The same call without the task augmentation, as Airlock sends it upstream itself. */
  public ToolCall withoutTask() {
    ObjectNode newParams = params.deepCopy();
    newParams.remove("task");
    return new ToolCall(
        upstream, sessionId, caller, tool, arguments, newParams, annotations, protocolVersion);
  }
}
