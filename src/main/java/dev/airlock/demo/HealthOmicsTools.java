package dev.airlock.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Simulated AWS HealthOmics workflow runs (no AWS access): five tools, from harmless reads to
 * destructive batch operations, with input schemas and MCP tool annotations.
 */
final class HealthOmicsTools {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFINITIONS =
      """
      [
        {"name":"ListAHORuns","title":"List workflow runs",
         "description":"Lists HealthOmics workflow runs, optionally filtered by status.",
         "inputSchema":{"type":"object","properties":{
            "status":{"type":"string","enum":["PENDING","STARTING","RUNNING","COMPLETED","CANCELLED","FAILED","DELETED"]},
            "maxResults":{"type":"integer","minimum":1,"maximum":100}},"additionalProperties":false},
         "annotations":{"title":"List workflow runs","readOnlyHint":true,"openWorldHint":false}},
        {"name":"GetAHORun","title":"Get a workflow run",
         "description":"Returns one workflow run by id.",
         "inputSchema":{"type":"object","properties":{"id":{"type":"string","pattern":"^run-[0-9]{4}$"}},"required":["id"],"additionalProperties":false},
         "annotations":{"title":"Get a workflow run","readOnlyHint":true,"openWorldHint":false}},
        {"name":"StartAHORun","title":"Start a workflow run",
         "description":"Starts a workflow run and returns its id.",
         "inputSchema":{"type":"object","properties":{
            "workflowId":{"type":"string"},"roleArn":{"type":"string"},"name":{"type":"string"},
            "parameters":{"type":"object"}},"required":["workflowId","roleArn"],"additionalProperties":false},
         "annotations":{"title":"Start a workflow run","readOnlyHint":false,"destructiveHint":false,"idempotentHint":false,"openWorldHint":false}},
        {"name":"CancelAHORunBatch","title":"Cancel a batch of workflow runs",
         "description":"Cancels up to 100 workflow runs. Cancelled runs lose their compute and partial results.",
         "inputSchema":{"type":"object","properties":{"runIds":{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":100}},"required":["runIds"],"additionalProperties":false},
         "annotations":{"title":"Cancel workflow runs","readOnlyHint":false,"destructiveHint":true,"idempotentHint":true,"openWorldHint":false}},
        {"name":"DeleteAHORunBatch","title":"Delete a batch of workflow runs",
         "description":"Deletes up to 100 workflow runs and their outputs. This cannot be undone.",
         "inputSchema":{"type":"object","properties":{"runIds":{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":100}},"required":["runIds"],"additionalProperties":false},
         "annotations":{"title":"Delete workflow runs","readOnlyHint":false,"destructiveHint":true,"idempotentHint":true,"openWorldHint":false}}
      ]
      """;

  private final ArrayNode definitions;
  private final Map<String, ObjectNode> runs = new ConcurrentHashMap<>();
  private final AtomicInteger nextRun = new AtomicInteger(1);

  HealthOmicsTools() {
    try {
      definitions = (ArrayNode) JSON.readTree(DEFINITIONS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    String[] statuses = {"RUNNING", "RUNNING", "COMPLETED", "FAILED", "PENDING", "RUNNING"};
    for (String status : statuses) {
      ObjectNode run = newRun("wf-" + (1000 + runs.size()), "demo-run");
      run.put("status", status);
    }
  }

  ArrayNode definitions() {
    return definitions;
  }

  /** A CallToolResult, or null when the tool does not exist. */
  ObjectNode call(String tool, JsonNode arguments) {
    return switch (tool) {
      case "ListAHORuns" -> list(arguments);
      case "GetAHORun" -> get(arguments);
      case "StartAHORun" -> start(arguments);
      case "CancelAHORunBatch" -> batch(arguments, "CANCELLED");
      case "DeleteAHORunBatch" -> batch(arguments, "DELETED");
      default -> null;
    };
  }

  private ObjectNode list(JsonNode arguments) {
    String status = arguments.path("status").asText(null);
    int max = arguments.path("maxResults").asInt(50);
    ArrayNode items = JSON.createArrayNode();
    runs.values().stream()
        .filter(run -> status == null || status.equals(run.path("status").asText()))
        .sorted((a, b) -> a.path("id").asText().compareTo(b.path("id").asText()))
        .limit(max)
        .forEach(items::add);
    ObjectNode structured = JSON.createObjectNode();
    structured.set("items", items);
    return result(structured);
  }

  private ObjectNode get(JsonNode arguments) {
    ObjectNode run = runs.get(arguments.path("id").asText());
    return run == null ? toolError("No run " + arguments.path("id").asText()) : result(run);
  }

  private ObjectNode start(JsonNode arguments) {
    if (!arguments.path("workflowId").isTextual() || !arguments.path("roleArn").isTextual()) {
      return toolError("workflowId and roleArn are required");
    }
    ObjectNode run =
        newRun(arguments.get("workflowId").asText(), arguments.path("name").asText("run"));
    return result(run);
  }

  private ObjectNode batch(JsonNode arguments, String newStatus) {
    JsonNode ids = arguments.get("runIds");
    if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > 100) {
      return toolError("runIds must list 1 to 100 run ids");
    }
    List<String> done = new ArrayList<>();
    ArrayNode failures = JSON.createArrayNode();
    for (JsonNode id : ids) {
      ObjectNode run = runs.get(id.asText());
      if (run == null) {
        failures.addObject().put("id", id.asText()).put("reason", "not found");
      } else {
        run.put("status", newStatus);
        run.put("stopTime", Instant.now().toString());
        done.add(id.asText());
      }
    }
    ObjectNode structured = JSON.createObjectNode();
    done.forEach(structured.putArray(newStatus.equals("DELETED") ? "deleted" : "cancelled")::add);
    structured.set("failures", failures);
    return result(structured);
  }

  private ObjectNode newRun(String workflowId, String name) {
    String id = String.format("run-%04d", nextRun.getAndIncrement());
    ObjectNode run = JSON.createObjectNode();
    run.put("id", id).put("arn", "arn:aws:omics:us-east-1:123456789012:run/" + id);
    run.put("workflowId", workflowId).put("name", name).put("status", "PENDING");
    run.put("creationTime", Instant.now().toString());
    runs.put(id, run);
    return run;
  }

  private static ObjectNode result(JsonNode structured) {
    ObjectNode result = JSON.createObjectNode();
    result.putArray("content").addObject().put("type", "text").put("text", structured.toString());
    result.set("structuredContent", structured);
    return result;
  }

  private static ObjectNode toolError(String message) {
    ObjectNode result = JSON.createObjectNode();
    result.putArray("content").addObject().put("type", "text").put("text", message);
    result.put("isError", true);
    return result;
  }
}
