package lat.pipeline.normalizer.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import lat.pipeline.schemas.canonical.SourceType;
import lat.pipeline.schemas.canonical.SourceValue;

/**
 * Every leaf of a payload with what it was and its exact text, so that nothing the provider sent is
 * erased: a number keeps its digits, and text, flag, date, explicit null and empty string stay
 * distinguishable from each other and from "not sent" (no entry). Paths: {@code a.b} for nested
 * fields, {@code a[0].b} for array elements, {@code [0].b} for a top-level array.
 */
public final class SourceFields {

  /**
   * The one list of what is deliberately not carried, by provider and leaf name, with the reason.
   * Everything else of every payload lands in the {@code sourceFields} of the records made from it.
   */
  public static final Map<String, Map<String, String>> DROPPED =
      Map.of("obuma", Map.of("cliente_clave", "the customer's password hash: a credential never leaves the raw topic"));

  /**
   * A leaf the provider documents as a flag, a date, an amount of money or a number although it sends
   * it as text (or a 0/1). MONEY is a NUMBER that is an amount: its typed home is a Money.
   */
  public enum Declared { FLAG, DATE, MONEY, NUMBER }

  /**
   * One delivery's payload: what {@code sourceFields} is taken from.
   *
   * @param declared by leaf name: what the provider's documents say a text or number leaf is; null when nothing
   */
  public record Source(String provider, JsonNode payload, Function<String, Declared> declared) {

    Map<String, SourceValue> leaves() {
      return of(payload, DROPPED.getOrDefault(provider, Map.of()).keySet(), declared);
    }
  }

  /**
   * The part of a payload one record was made from, by leaf path prefixes: a leaf belongs to it when
   * it is under one of {@code include} and under none of {@code exclude} ({@code ""} is the whole payload).
   */
  public record Part(List<String> include, List<String> exclude) {

    private static final Part WHOLE = new Part(List.of(""), List.of());

    public Part {
      include = List.copyOf(include);
      exclude = List.copyOf(exclude);
    }

    /** The whole payload: the record is what the delivery is about. */
    public static Part whole() {
      return WHOLE;
    }

    /** Only these subtrees (e.g. {@code message.item.price[1]} and {@code message.item.id}). */
    public static Part of(String... prefixes) {
      return new Part(List.of(prefixes), List.of());
    }

    public static Part of(List<String> prefixes) {
      return new Part(prefixes, List.of());
    }

    /** The whole payload but these subtrees (the other rows of a list). */
    public static Part wholeExcept(List<String> prefixes) {
      return new Part(List.of(""), prefixes);
    }

    /** The whole payload but the other rows of the list at {@code list}: what row {@code index} was read with. */
    public static Part wholeButOtherRows(String list, int index, int rows) {
      List<String> others = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        if (i != index) {
          others.add(list + "[" + i + "]");
        }
      }
      return wholeExcept(others);
    }

    boolean covers(String path) {
      return include.stream().anyMatch(prefix -> under(path, prefix)) && exclude.stream().noneMatch(prefix -> under(path, prefix));
    }

    private static boolean under(String path, String prefix) {
      return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + ".") || path.startsWith(prefix + "[");
    }
  }

  private SourceFields() {}

  /** The leaves of {@code part}, from all of a payload's leaves. */
  static Map<String, SourceValue> select(Map<String, SourceValue> leaves, Part part) {
    if (part.equals(Part.whole())) {
      return new TreeMap<>(leaves);
    }
    Map<String, SourceValue> selected = new TreeMap<>();
    leaves.forEach((path, value) -> {
      if (part.covers(path)) {
        selected.put(path, value);
      }
    });
    return selected;
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
    if ((declared == Declared.NUMBER || declared == Declared.MONEY) && Lenient.decimal(leaf).isPresent()) {
      return SourceType.NUMBER;
    }
    return leaf.isBoolean() ? SourceType.FLAG : leaf.isNumber() ? SourceType.NUMBER : SourceType.TEXT;
  }
}
