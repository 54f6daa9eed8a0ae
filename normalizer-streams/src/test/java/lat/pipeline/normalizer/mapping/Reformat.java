package lat.pipeline.normalizer.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The same JSON content written differently, as a redelivery through another stack might. */
public final class Reformat {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Reformat() {}

  /** Pretty-printed with object keys in reverse order. */
  public static byte[] reformatted(byte[] json) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reversed(JSON.readTree(json)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode reversed(JsonNode node) {
    if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
      Collections.reverse(fields);
      ObjectNode copy = JSON.createObjectNode();
      fields.forEach(field -> copy.set(field.getKey(), reversed(field.getValue())));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      node.forEach(element -> copy.add(reversed(element)));
      return copy;
    }
    return node;
  }
}
