package dev.airlock.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 message shapes and the error objects the relay answers with. */
public final class JsonRpc {

  public static final ObjectMapper JSON = new ObjectMapper();

  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  public static final int METHOD_NOT_FOUND = -32601;
  public static final int INVALID_PARAMS = -32602;
  public static final int INTERNAL_ERROR = -32603;

  /** Airlock's own server-error code for a failing upstream (JSON-RPC reserves -32000..-32099). */
  public static final int UPSTREAM_ERROR = -32010;

  private JsonRpc() {}

  public enum Kind {
    REQUEST,
    NOTIFICATION,
    RESPONSE,
    INVALID
  }

  public static Kind kind(JsonNode message) {
    if (!(message instanceof ObjectNode) || !"2.0".equals(message.path("jsonrpc").asText(null))) {
      return Kind.INVALID;
    }
    JsonNode method = message.get("method");
    boolean hasId = message.has("id") && validId(message.get("id"));
    if (method != null) {
      if (!method.isTextual()) {
        return Kind.INVALID;
      }
      JsonNode params = message.get("params");
      if (params != null && !params.isObject() && !params.isArray()) {
        return Kind.INVALID;
      }
      if (message.has("id") && !hasId) {
        return Kind.INVALID;
      }
      return hasId ? Kind.REQUEST : Kind.NOTIFICATION;
    }
    if (hasId && (message.has("result") ^ message.has("error"))) {
      return Kind.RESPONSE;
    }
    return Kind.INVALID;
  }

  private static boolean validId(JsonNode id) {
    return id.isTextual() || id.isIntegralNumber();
  }

  public static boolean isResponseTo(ObjectNode message, JsonNode id) {
    return !message.has("method")
        && (message.has("result") || message.has("error"))
        && sameId(id, message.get("id"));
  }

  /** JSON-RPC ids compare by value: {@code 1} parsed as int equals {@code 1} built as long. */
  public static boolean sameId(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return false;
    }
    return idKey(a).equals(idKey(b));
  }

  /** A map key for an id that ignores how the number was represented. */
  public static String idKey(JsonNode id) {
    if (id == null || id.isNull()) {
      return "null";
    }
    return id.isNumber() ? "n:" + id.asText() : "s:" + id.asText();
  }

  public static ObjectNode error(JsonNode id, int code, String message) {
    ObjectNode root = JSON.createObjectNode();
    root.put("jsonrpc", "2.0");
    root.set("id", id == null ? NullNode.getInstance() : id);
    ObjectNode error = root.putObject("error");
    error.put("code", code);
    error.put("message", message);
    return root;
  }

  public static ObjectNode result(JsonNode id, ObjectNode result) {
    ObjectNode root = JSON.createObjectNode();
    root.put("jsonrpc", "2.0");
    root.set("id", id);
    root.set("result", result);
    return root;
  }

  public static ObjectNode notification(String method, ObjectNode params) {
    ObjectNode root = JSON.createObjectNode();
    root.put("jsonrpc", "2.0");
    root.put("method", method);
    root.set("params", params);
    return root;
  }
}
