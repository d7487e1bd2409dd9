package dev.airlock.guard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The tool result a guard answers a refused call with: {@code isError} and one text a model can act
 * on. Each guard adds its own details under {@code _meta}.
 */
public final class ToolError {

  private ToolError() {}

  public static ObjectNode of(String text) {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.putArray("content").addObject().put("type", "text").put("text", text);
    result.put("isError", true);
    return result;
  }
}
