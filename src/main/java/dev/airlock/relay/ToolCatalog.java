package dev.airlock.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tool definitions each upstream last listed, so guards can judge a {@code tools/call} by the
 * tool's annotations and input schema. Learned from {@code tools/list} results passing through.
 */
@ApplicationScoped
public class ToolCatalog {

  private final Map<String, Map<String, JsonNode>> byUpstream = new ConcurrentHashMap<>();

  void learn(String upstream, ArrayNode tools) {
    Map<String, JsonNode> definitions =
        byUpstream.computeIfAbsent(upstream, u -> new ConcurrentHashMap<>());
    for (JsonNode tool : tools) {
      String name = tool.path("name").asText(null);
      if (name != null) {
        definitions.put(name, tool.deepCopy());
      }
    }
  }

  /** Whether this upstream's tools have been seen since start. */
  public boolean knows(String upstream) {
    return byUpstream.containsKey(upstream);
  }

  /** The whole definition ({@code name}, {@code inputSchema}, {@code annotations}, ...). */
  public Optional<JsonNode> definition(String upstream, String tool) {
    Map<String, JsonNode> definitions = byUpstream.get(upstream);
    return Optional.ofNullable(definitions == null ? null : definitions.get(tool));
  }

  public Optional<JsonNode> annotations(String upstream, String tool) {
    return definition(upstream, tool).map(d -> d.get("annotations")).filter(a -> a != null);
  }

  public Optional<JsonNode> inputSchema(String upstream, String tool) {
    return definition(upstream, tool).map(d -> d.get("inputSchema")).filter(s -> s != null);
  }
}
