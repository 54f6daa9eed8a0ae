package lat.pipeline.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * An Avro datum as plain JSON for a person: records as objects, unions as their value (not Avro's
 * {@code {"string": ...}} wrapping), times as RFC 3339, decimals as exact numbers, bytes as base64.
 */
public final class AvroJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private AvroJson() {}

  public static JsonNode toJson(Object datum) {
    if (datum == null) {
      return NODES.nullNode();
    }
    if (datum instanceof IndexedRecord record) {
      ObjectNode object = NODES.objectNode();
      for (Schema.Field field : record.getSchema().getFields()) {
        object.set(field.name(), toJson(record.get(field.pos())));
      }
      return object;
    }
    if (datum instanceof CharSequence || datum instanceof Enum<?> || datum instanceof TemporalAccessor
        || datum instanceof org.apache.avro.generic.GenericEnumSymbol<?>) {
      return NODES.textNode(datum.toString());
    }
    if (datum instanceof Number || datum instanceof Boolean) {
      // Decimals stay exact: the mapper's node factory keeps BigDecimal as it is.
      return RecordJson.JSON.valueToTree(datum);
    }
    if (datum instanceof ByteBuffer buffer) {
      ByteBuffer copy = buffer.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (datum instanceof GenericFixed fixed) {
      return NODES.textNode(Base64.getEncoder().encodeToString(fixed.bytes()));
    }
    if (datum instanceof Collection<?> items) {
      ArrayNode array = NODES.arrayNode();
      items.forEach(item -> array.add(toJson(item)));
      return array;
    }
    if (datum instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      map.forEach((key, value) -> object.set(String.valueOf(key), toJson(value)));
      return object;
    }
    return NODES.textNode(datum.toString());
  }
}
