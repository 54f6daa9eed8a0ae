package lat.pipeline.normalizer.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads named fields from one JSON object and remembers which ones the model used, so that
 * {@link #attributes()} keeps everything else: fields the model does not name are never dropped.
 *
 * <p>Paths are dotted ({@code address.city}). A value that is present but not readable as asked
 * (a flag "maybe", a date "soon") is not marked as used, so it lands in the attributes as sent.
 */
public final class JsonFields {

  private final JsonNode object;
  private final String where;
  private final Set<String> used = new HashSet<>();

  private JsonFields(JsonNode object, String where) {
    this.object = object;
    this.where = where;
  }

  /** @param where names the object in failure reasons, e.g. {@code message.client} */
  public static JsonFields of(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw MappingException.map(where + " should be a JSON object but is " + describe(node));
    }
    return new JsonFields(node, where);
  }

  public static String describe(JsonNode node) {
    return node == null || node.isMissingNode() ? "missing" : node.getNodeType().name().toLowerCase();
  }

  public JsonNode object() {
    return object;
  }

  public boolean has(String path) {
    return !Lenient.isAbsent(peek(path));
  }

  /** The raw node, marked as used. */
  public JsonNode node(String path) {
    used.add(path);
    return peek(path);
  }

  /** The raw node, not marked as used; {@code path} is field names joined by dots. */
  public JsonNode peek(String path) {
    JsonNode node = object;
    // Walked in place: every field a mapper reads comes here, and splitting the path cost a twentieth of mapping.
    for (int from = 0, dot; node.isObject(); from = dot + 1) {
      dot = path.indexOf('.', from);
      node = node.path(dot < 0 ? path.substring(from) : path.substring(from, dot));
      if (dot < 0) {
        return node;
      }
    }
    return MissingNode.getInstance();
  }

  public void use(String... paths) {
    used.addAll(List.of(paths));
  }

  public String text(String path) {
    return read(path, Lenient::text);
  }

  /** The first of several candidate fields that has a text value. */
  public String firstText(String... paths) {
    for (String path : paths) {
      String value = text(path);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  public String id(String path) {
    return read(path, Lenient::id);
  }

  /** The first of several candidate fields that holds an id. */
  public String firstId(String... paths) {
    for (String path : paths) {
      String value = id(path);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  public String requiredId(String path) {
    String id = id(path);
    if (id == null) {
      throw MappingException.map(where + "." + path + " is " + (has(path) ? "not an id" : "missing"));
    }
    return id;
  }

  public Boolean flag(String path) {
    return read(path, Lenient::flag);
  }

  public BigDecimal decimal(String path) {
    return read(path, Lenient::decimal);
  }

  public LocalDate date(String path) {
    JsonNode node = peek(path);
    if (Lenient.isZeroDate(node)) {
      used.add(path); // "0000-00-00" means no date: nothing to keep
      return null;
    }
    return read(path, Lenient::date);
  }

  /** @param zone asked only when the value is a local date-time */
  public Instant timestamp(String path, Supplier<ZoneId> zone) {
    return read(path, node -> Lenient.timestamp(node, zone));
  }

  /** The elements of an array field (marked as used); empty when absent, a failure when not an array. */
  public List<JsonNode> array(String path) {
    JsonNode node = node(path);
    if (Lenient.isAbsent(node)) {
      return List.of();
    }
    if (!node.isArray()) {
      throw MappingException.map(where + "." + path + " should be an array but is " + describe(node));
    }
    List<JsonNode> elements = new ArrayList<>();
    node.forEach(elements::add);
    return elements;
  }

  /**
   * Each element of an array field read as an object: {@code where[i]} names it in failure reasons.
   */
  public <T> List<T> each(String path, String where, Function<JsonFields, T> read) {
    List<JsonNode> nodes = array(path);
    List<T> values = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      values.add(read.apply(of(nodes.get(i), where + "[" + i + "]")));
    }
    return values;
  }

  /**
   * Leaves the provider documents as flags, amounts or dates that the model has not used, read into
   * their types by dotted path. Arrays are left alone.
   *
   * @param flags by path: the documented flags, as booleans
   * @param amounts by path: the documented amounts of money
   * @param dates by path: the documented dates; null for one that means none ({@code 0000-00-00})
   */
  public record Typed(Map<String, Boolean> flags, Map<String, BigDecimal> amounts, Map<String, LocalDate> dates) {}

  /**
   * The unused leaves that {@code declared} names as one of {@code kinds}, each marked as used when
   * readable as declared (one that is not, a flag "maybe", stays in the attributes as sent). Call
   * it before {@link #attributes()}.
   */
  public Typed typed(Function<String, SourceFields.Declared> declared, Set<SourceFields.Declared> kinds) {
    Typed typed = new Typed(new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
    collectTyped(object, "", declared, kinds, typed);
    return typed;
  }

  private void collectTyped(
      JsonNode node, String prefix, Function<String, SourceFields.Declared> declared, Set<SourceFields.Declared> kinds, Typed out) {
    node.properties().forEach(field -> {
      String path = prefix + field.getKey();
      JsonNode value = field.getValue();
      if (used.contains(path) || Lenient.isAbsent(value)) {
        return;
      }
      if (value.isObject()) {
        collectTyped(value, path + ".", declared, kinds, out);
        return;
      }
      SourceFields.Declared kind = declared.apply(field.getKey());
      if (kind == null || !kinds.contains(kind)) {
        return;
      }
      switch (kind) {
        case FLAG -> Lenient.flag(value).ifPresent(flag -> out.flags().put(path, flag));
        case MONEY -> Lenient.decimal(value).ifPresent(amount -> out.amounts().put(path, amount));
        case DATE -> {
          if (Lenient.isZeroDate(value)) {
            out.dates().put(path, null);
          } else {
            Lenient.date(value).ifPresent(date -> out.dates().put(path, date));
          }
        }
        default -> { }
      }
      if (out.flags().containsKey(path) || out.amounts().containsKey(path) || out.dates().containsKey(path)) {
        used.add(path);
      }
    });
  }

  /**
   * Every present value not used by the model, by dotted path: scalars as text, arrays (and empty
   * objects) as canonical JSON. Nulls carry nothing and are left out. Sorted by path, so equal
   * input gives equal records.
   */
  public Map<String, String> attributes() {
    Map<String, String> attributes = new TreeMap<>();
    collect(object, "", attributes);
    return new LinkedHashMap<>(attributes);
  }

  private void collect(JsonNode node, String prefix, Map<String, String> out) {
    node.properties()
        .forEach(
            field -> {
              String path = prefix + field.getKey();
              JsonNode value = field.getValue();
              if (used.contains(path) || value.isNull()) {
                return;
              }
              if (value.isObject() && !value.isEmpty()) {
                collect(value, path + ".", out);
              } else if (value.isContainerNode()) {
                out.put(path, Json.canonical(value));
              } else {
                out.put(path, Lenient.text(value).orElse(value.asText()));
              }
            });
  }

  /** A value read by {@code reader}; marked as used when absent or readable. */
  public <T> T read(String path, Function<JsonNode, Optional<T>> reader) {
    JsonNode node = peek(path);
    if (Lenient.isAbsent(node)) {
      used.add(path);
      return null;
    }
    Optional<T> value = reader.apply(node);
    value.ifPresent(v -> used.add(path));
    return value.orElse(null);
  }
}
