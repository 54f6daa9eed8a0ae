package lat.pipeline.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.schemas.canonical.SourceType;
import lat.pipeline.schemas.canonical.SourceValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Nothing erased: every leaf of every fixture and sample lands in the records' {@code sourceFields}
 * with its exact text and a type that agrees with what was sent, unless it is on the documented
 * drop list (and then it lands nowhere); and every record carries the leaves it was made from.
 */
class FieldCoverageTest {

  // Fails on main before this change: there was no sourceFields, and attributes lost types and digits.
  @ParameterizedTest(name = "{0}")
  @MethodSource("lat.pipeline.normalizer.mapping.GoldenTest#bodies")
  void everyLeafLandsWithItsTypeAndExactText(String name, String provider, Path file) {
    String eventType = provider.equals("obuma") ? Fixtures.baseName(file) : TestEvents.genericType(provider);
    byte[] body = provider.equals("bsale") ? BsaleEnvelopes.envelope(Fixtures.read(file)) : Fixtures.read(file);
    List<CanonicalRecord> records =
        MappingAssertions.mapped(ProviderMappers.forProvider(provider, TestEvents.SETTINGS).orElseThrow()
            .map(TestEvents.raw(provider, eventType, body)));

    Map<String, JsonNode> leaves = new LinkedHashMap<>();
    leaves(Json.parse(body, "fixture"), "", leaves);
    Map<String, String> dropped = SourceFields.DROPPED.getOrDefault(provider, Map.of());

    List<String> problems = new ArrayList<>();
    Map<String, SourceValue> landed = new LinkedHashMap<>();
    for (CanonicalRecord record : records) {
      // Fails on main before this change: only the first record of a delivery had source fields.
      Map<String, SourceValue> fields = MappingAssertions.sourceFields(record);
      if (fields.isEmpty()) {
        problems.add(record.key() + " carries no source fields");
      }
      fields.forEach((path, value) -> {
        JsonNode leaf = leaves.get(path);
        if (leaf == null) {
          problems.add(record.key() + " carries " + path + ", which the payload does not have");
        } else if (!agrees(leaf, value)) {
          problems.add(record.key() + " carries " + path + " sent " + leaf + " as " + value.getType() + " " + value.getText());
        }
      });
      landed.putAll(fields);
    }
    leaves.forEach((path, leaf) -> {
      String leafName = path.replaceAll("\\[\\d+]$", "").replaceAll(".*[.\\]]", "");
      SourceValue value = landed.get(path);
      if (dropped.containsKey(leafName)) {
        if (value != null) {
          problems.add(path + " is on the drop list but landed");
        }
      } else if (value == null) {
        problems.add(path + " landed nowhere");
      } else if (!agrees(leaf, value)) {
        problems.add(path + " sent " + leaf + " landed as " + value.getType() + " " + value.getText());
      }
    });
    assertThat(problems).as(name).isEmpty();
  }

  /** The leaf's exact text and a type its JSON allows: numbers stay numbers (or documented flags/dates). */
  private static boolean agrees(JsonNode leaf, SourceValue value) {
    SourceType type = value.getType();
    if (leaf.isNull()) {
      return type == SourceType.NULL && value.getText() == null;
    }
    if (leaf.isContainerNode()) {
      return type == SourceType.EMPTY_LIST;
    }
    if (!leaf.asText().equals(value.getText())) {
      return false;
    }
    if (leaf.isBoolean()) {
      return type == SourceType.FLAG;
    }
    if (leaf.isNumber()) {
      return List.of(SourceType.NUMBER, SourceType.FLAG, SourceType.DATE).contains(type);
    }
    return leaf.asText().isEmpty() ? type == SourceType.EMPTY : type != SourceType.EMPTY && type != SourceType.EMPTY_LIST;
  }

  private static void leaves(JsonNode node, String path, Map<String, JsonNode> out) {
    if (node.isObject() && !node.isEmpty()) {
      node.properties().forEach(f -> leaves(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), out));
    } else if (node.isArray() && !node.isEmpty()) {
      for (int i = 0; i < node.size(); i++) {
        leaves(node.get(i), path + "[" + i + "]", out);
      }
    } else {
      out.put(path, node);
    }
  }
}
