package lat.pipeline.normalizer.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Renders mapping results as readable JSON for golden files: fields in schema order, decimals as
 * strings, timestamps as ISO-8601, dates as yyyy-MM-dd, maps sorted by key.
 */
public final class RecordRendering {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RecordRendering() {}

  public static String render(MappingResult result) {
    return pretty(
        result instanceof MappingResult.Mapped mapped
            ? records(mapped.records())
            : NODES.objectNode()
                .put("failedStep", ((MappingResult.Failed) result).step())
                .put("reason", ((MappingResult.Failed) result).reason()));
  }

  public static String render(SpecificRecord record) {
    return pretty(value(record));
  }

  private static String pretty(JsonNode node) {
    try {
      DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
      return MAPPER.writer(printer).writeValueAsString(node).replace("\r\n", "\n") + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ArrayNode records(List<CanonicalRecord> records) {
    ArrayNode array = NODES.arrayNode();
    for (CanonicalRecord record : records) {
      ObjectNode node = array.addObject();
      node.put("entity", record.entity().name());
      node.put("key", record.key());
      node.put("eventId", record.eventId());
      node.set("sourceTime", value(record.sourceTime()));
      node.set("value", value(record.value()));
    }
    return array;
  }

  private static JsonNode value(Object value) {
    if (value == null) {
      return NODES.nullNode();
    } else if (value instanceof SpecificRecord record) {
      ObjectNode node = NODES.objectNode();
      for (Schema.Field field : record.getSchema().getFields()) {
        node.set(field.name(), value(record.get(field.pos())));
      }
      return node;
    } else if (value instanceof Map<?, ?> map) {
      ObjectNode node = NODES.objectNode();
      new TreeMap<>(map).forEach((k, v) -> node.set(String.valueOf(k), value(v)));
      return node;
    } else if (value instanceof List<?> list) {
      ArrayNode node = NODES.arrayNode();
      list.forEach(element -> node.add(value(element)));
      return node;
    } else if (value instanceof BigDecimal decimal) {
      return NODES.textNode(decimal.toPlainString());
    } else if (value instanceof Instant || value instanceof LocalDate || value instanceof Enum<?> || value instanceof CharSequence) {
      return NODES.textNode(value.toString());
    } else if (value instanceof Boolean flag) {
      return NODES.booleanNode(flag);
    } else if (value instanceof Number number) {
      return NODES.numberNode(number.longValue());
    }
    throw new IllegalArgumentException("cannot render " + value.getClass());
  }
}
