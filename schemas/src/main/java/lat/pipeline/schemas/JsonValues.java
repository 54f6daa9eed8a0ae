package lat.pipeline.schemas;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;

/** What the JSON codecs share: reading a value as one JSON object, and writing a tree. */
final class JsonValues {

  /** Numbers keep the digits they were sent with (2500.00 stays 2500.00): amounts never pass through double. */
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      // 0.0000001 is written as sent, not as 1E-7.
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();

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
