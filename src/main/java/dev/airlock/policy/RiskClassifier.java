package dev.airlock.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Estimates a tool's risk from its MCP annotations and the verb its name starts with. Annotations
 * are hints from the server, so a destructive verb is never downgraded by a read-only hint.
 */
public final class RiskClassifier {

  private static final List<String> HIGH_VERBS =
      List.of(
          "delete",
          "cancel",
          "terminate",
          "drop",
          "destroy",
          "purge",
          "remove",
          "stop",
          "kill",
          "revoke",
          "truncate",
          "reset",
          "wipe",
          "erase",
          "disable",
          "detach",
          "force");
  private static final List<String> LOW_VERBS =
      List.of(
          "list",
          "get",
          "describe",
          "read",
          "search",
          "find",
          "query",
          "fetch",
          "show",
          "view",
          "count",
          "check",
          "lookup",
          "echo",
          "ping");

  private RiskClassifier() {}

  public static Risk classify(String tool, JsonNode annotations) {
    String verb = leadingVerb(tool);
    if (HIGH_VERBS.contains(verb)) {
      return Risk.HIGH;
    }
    if (annotations != null && annotations.isObject()) {
      if (annotations.path("destructiveHint").asBoolean(false)) {
        return Risk.HIGH;
      }
      if (annotations.path("readOnlyHint").asBoolean(false)) {
        return annotations.path("openWorldHint").asBoolean(false) ? Risk.MEDIUM : Risk.LOW;
      }
    }
    if (LOW_VERBS.contains(verb)) {
      return Risk.LOW;
    }
    return Risk.MEDIUM;
  }

  /** {@code CancelAHORunBatch} → cancel, {@code delete_file} → delete, {@code get-sum} → get. */
  static String leadingVerb(String tool) {
    StringBuilder verb = new StringBuilder();
    for (int i = 0; i < tool.length(); i++) {
      char c = tool.charAt(i);
      if (c == '_' || c == '-' || c == '.' || c == ' ' || (i > 0 && Character.isUpperCase(c))) {
        break;
      }
      verb.append(Character.toLowerCase(c));
    }
    return verb.toString();
  }
}
