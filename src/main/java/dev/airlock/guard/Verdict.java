package dev.airlock.guard;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a guard decided about a call. */
public sealed interface Verdict {

  /** Pass the call on; the call may differ from the one received (edited arguments). */
  record Forward(ToolCall call) implements Verdict {}

  /**
   * Answer the client with this JSON-RPC {@code result} (a {@code CallToolResult}, or a {@code
   * CreateTaskResult}) without reaching the upstream.
   */
  record Respond(ObjectNode result) implements Verdict {}

  static Verdict forward(ToolCall call) {
    return new Forward(call);
  }

  static Verdict respond(ObjectNode result) {
    return new Respond(result);
  }
}
