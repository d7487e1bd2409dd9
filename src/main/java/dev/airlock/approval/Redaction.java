package dev.airlock.approval;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Masks the arguments a policy rule names (JSON pointers) before they are stored or shown. */
public final class Redaction {

  public static final String MASK = "[redacted]";

  private Redaction() {}

  public static ObjectNode apply(ObjectNode arguments, List<String> pointers) {
    ObjectNode copy = arguments.deepCopy();
    for (String pointer : pointers) {
      JsonPointer path = JsonPointer.compile(pointer);
      JsonNode parent = copy.at(path.head());
      String last = path.last().getMatchingProperty();
      if (parent instanceof ObjectNode object && object.has(last)) {
        object.put(last, MASK);
      } else if (parent instanceof ArrayNode array && path.last().mayMatchElement()) {
        int index = path.last().getMatchingIndex();
        if (index >= 0 && index < array.size()) {
          array.set(index, array.textNode(MASK));
        }
      }
    }
    return copy;
  }
}
