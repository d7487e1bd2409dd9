package dev.airlock.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * JSON with object keys sorted and no insignificant whitespace, so equal documents hash equally.
 * Used for policy versions and for binding an approval to the exact arguments of a call.
 */
public final class CanonicalJson {

  private CanonicalJson() {}

  public static String write(JsonNode node) {
    return sorted(node).toString();
  }

  public static String sha256(JsonNode node) {
    return measure(node).sha256();
  }

  /** The SHA-256 of the canonical form and its length in UTF-8 bytes, from one serialization. */
  public static Measured measure(JsonNode node) {
    byte[] canonical = write(node).getBytes(StandardCharsets.UTF_8);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
      return new Measured(HexFormat.of().formatHex(digest), canonical.length);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** A document's canonical digest (hex) and size. */
  public record Measured(String sha256, int bytes) {}

  private static JsonNode sorted(JsonNode node) {
    if (node == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (String name : names) {
        out.set(name, sorted(node.get(name)));
      }
      return out;
    }
    if (node.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> out.add(sorted(element)));
      return out;
    }
    return node;
  }
}
