package lat.pipeline.normalizer.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import lat.pipeline.schemas.canonical.SourceType;
import lat.pipeline.schemas.canonical.SourceValue;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every leaf of a payload with what it was and its exact text, so that nothing the provider sent is
 * erased: a number keeps its digits, and text, flag, date, explicit null and empty string stay
 * distinguishable from each other and from "not sent" (no entry). Paths: {@code a.b} for nested
 * fields, {@code a[0].b} for array elements, {@code [0].b} for a top-level array.
 */
public final class SourceFields {

  /**
   * The one list of what is deliberately not carried, by provider and leaf name, with the reason.
   * Everything else of every payload lands in {@code sourceFields}.
   */
  public static final Map<String, Map<String, String>> DROPPED =
      Map.of("obuma", Map.of("cliente_clave", "the customer's password hash: a credential never leaves the raw topic"));

  /** A leaf the provider documents as a flag, a date or a number although it sends it as text (or a 0/1). */
  public enum Declared { FLAG, DATE, NUMBER }

  private SourceFields() {}

  /**
   * Puts the payload's leaves on the delivery's first record (the customer, product, document or
   * event it is about); the records that come with it (prices, stock) point back to it by key.
   *
   * @param declared by leaf name: what the provider's documents say a text or number leaf is; null when nothing
   */
  public static void attach(List<CanonicalRecord> records, String provider, JsonNode payload,
      Function<String, Declared> declared) {
    if (records.isEmpty()) {
      return;
    }
    SpecificRecord first = records.get(0).value();
    Schema.Field field = first.getSchema().getField("sourceFields");
    if (field == null) {
      // Every canonical record type keeps the payload's leaves: one without a home would erase them.
      throw new IllegalStateException(first.getSchema().getFullName() + " has no sourceFields");
    }
    first.put(field.pos(), of(payload, DROPPED.getOrDefault(provider, Map.of()).keySet(), declared));
  }

  static Map<String, SourceValue> of(JsonNode payload, Set<String> dropped, Function<String, Declared> declared) {
    Map<String, SourceValue> leaves = new TreeMap<>();
    walk(payload, "", null, dropped, declared, leaves);
    return leaves;
  }

  private static void walk(JsonNode node, String path, String name, Set<String> dropped,
      Function<String, Declared> declared, Map<String, SourceValue> out) {
    if (name != null && dropped.contains(name)) {
      return;
    }
    if (node.isObject() && !node.isEmpty()) {
      node.properties().forEach(field ->
          walk(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getKey(), dropped, declared, out));
    } else if (node.isArray() && !node.isEmpty()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "[" + i + "]", name, dropped, declared, out);
      }
    } else {
      out.put(path, value(node, name == null ? null : declared.apply(name)));
    }
  }

  private static SourceValue value(JsonNode leaf, Declared declared) {
    if (leaf.isNull()) {
      return new SourceValue(SourceType.NULL, null);
    }
    if (leaf.isContainerNode()) {
      return new SourceValue(SourceType.EMPTY_LIST, leaf.toString());
    }
    String text = leaf.asText(); // numbers as parsed exactly: 2500.00 stays 2500.00
    if (leaf.isTextual() && text.isEmpty()) {
      return new SourceValue(SourceType.EMPTY, text);
    }
    return new SourceValue(type(leaf, declared), text);
  }

  private static SourceType type(JsonNode leaf, Declared declared) {
    if (declared == Declared.FLAG && Lenient.flag(leaf).isPresent()) {
      return SourceType.FLAG;
    }
    if (declared == Declared.DATE) {
      if (Lenient.isZeroDate(leaf)) {
        return SourceType.NULL; // "0000-00-00": no date, said explicitly
      }
      if (Lenient.date(leaf).isPresent() || Lenient.timestamp(leaf, () -> java.time.ZoneOffset.UTC).isPresent()) {
        return SourceType.DATE;
      }
    }
    if (declared == Declared.NUMBER && Lenient.decimal(leaf).isPresent()) {
      return SourceType.NUMBER;
    }
    return leaf.isBoolean() ? SourceType.FLAG : leaf.isNumber() ? SourceType.NUMBER : SourceType.TEXT;
  }
}
