package lat.pipeline.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** What the JSON codecs share: reading a value as one JSON object, and writing a tree. */
final class JsonValues {

  static final ObjectMapper JSON = new ObjectMapper();

  private JsonValues() {}

  static JsonNode object(byte[] value) throws UnreadableRecord {
    JsonNode node;
    try {
      node = value == null ? null : JSON.readTree(value);
    } catch (IOException e) {
      throw new UnreadableRecord("not JSON");
    }
    return object(node);
  }

  static JsonNode object(JsonNode node) throws UnreadableRecord {
    if (node == null || !node.isObject()) {
      throw new UnreadableRecord("not a JSON object");
    }
    return node;
  }

  static byte[] bytes(JsonNode tree) {
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }
}
