package lat.pipeline.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import lat.pipeline.normalizer.providers.ProviderMappers;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzed input never escapes a mapper as an exception, and whatever a mapper does produce can be
 * encoded with its Avro schema. Every property runs against each of the four mappers.
 */
class MappersNeverThrowTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private static final List<String> EVENT_TYPES =
      List.of(
          "obuma.webhook", "cliente.created", "cliente.updated", "producto.created", "productoStock.created",
          "cotizacion.updatedStatus", "venta.created", "venta_4.updatedStatus", "tarea.created",
          "webform.response.linked", "cliente.note.new", "", ".", "a.b.c.", "alegra.webhook", "ninox.webhook", "bsale.webhook");

  @Property
  void arbitraryBytesNeverThrow(
      @ForAll("providers") String provider, @ForAll("eventTypes") String eventType, @ForAll @Size(max = 300) byte[] body) {
    checkNeverThrows(provider, eventType, body);
  }

  @Property
  void jsonIshTextNeverThrows(
      @ForAll("providers") String provider, @ForAll("eventTypes") String eventType, @ForAll("jsonIsh") String body) {
    checkNeverThrows(provider, eventType, body.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 2000)
  void mutatedSamplesNeverThrow(@ForAll("mutatedSamples") Mutated sample) {
    checkNeverThrows(sample.provider(), sample.eventType(), sample.body());
  }

  private static void checkNeverThrows(String provider, String eventType, byte[] body) {
    MappingResult result =
        ProviderMappers.forProvider(provider, TestEvents.SETTINGS).orElseThrow().map(TestEvents.raw(provider, eventType, body));

    assertThat(result).isNotNull();
    if (result instanceof MappingResult.Mapped mapped) {
      assertThat(mapped.records()).isNotEmpty();
      for (CanonicalRecord record : mapped.records()) {
        assertThat(record.key()).startsWith(provider + ":demo:");
        assertThat(record.eventId()).startsWith(provider + ":demo:");
        AvroEncoding.encode(record.value());
      }
    } else {
      MappingResult.Failed failed = (MappingResult.Failed) result;
      assertThat(failed.step()).isIn("parse", "map");
      assertThat(failed.reason()).isNotBlank().hasSizeLessThanOrEqualTo(303);
    }
  }

  @Provide
  Arbitrary<String> providers() {
    return Arbitraries.of(Fixtures.PROVIDERS);
  }

  @Provide
  Arbitrary<String> eventTypes() {
    return Arbitraries.oneOf(Arbitraries.of(EVENT_TYPES), Arbitraries.strings().ofMaxLength(12));
  }

  @Provide
  Arbitrary<String> jsonIsh() {
    Arbitrary<String> tokens =
        Arbitraries.of(
            "{", "}", "[", "]", ":", ",", "\"", "null", "true", "false", "0", "-1", "1e999999999", "2500.00",
            "\"0000-00-00\"", "\"1\"", "\"eventData\"", "\"eventType\"", "\"eventId\"", "\"items\"", "\"articuloId\"",
            "\"eliminado\"", "\"curva\"", "\"subject\"", "\"message\"", "\"new-item\"", "\"item\"", "\"topic\"",
            "\"resourceId\"", "\"send\"", "\"\\u0000\"", "\"\\/\"", " ", "\n");
    return tokens.list().ofMaxSize(40).map(list -> String.join("", list));
  }

  record Mutated(String provider, String eventType, byte[] body) {}

  @Provide
  Arbitrary<Mutated> mutatedSamples() {
    List<Path> samples =
        Fixtures.PROVIDERS.stream()
            .flatMap(p -> Stream.concat(Fixtures.shared(p).stream(), Fixtures.samples(p).stream()))
            .toList();
    return Combinators.combine(
            Arbitraries.of(samples),
            jsonValues().list().ofMinSize(1).ofMaxSize(4),
            Arbitraries.integers().between(0, 10_000).list().ofMinSize(4).ofMaxSize(4),
            Arbitraries.of(true, false))
        .as((file, replacements, positions, inEnvelope) -> mutate(file, replacements, positions, inEnvelope));
  }

  private static Mutated mutate(Path file, List<JsonNode> replacements, List<Integer> positions, boolean inEnvelope) {
    try {
      String provider = file.getParent().getFileName().toString();
      JsonNode tree = JSON.readTree(Fixtures.read(file));
      List<Slot> slots = new ArrayList<>();
      collectSlots(tree, slots);
      for (int i = 0; i < replacements.size() && !slots.isEmpty(); i++) {
        slots.get(positions.get(i) % slots.size()).replace(replacements.get(i));
      }
      String eventType = provider.equals("obuma") ? Fixtures.baseName(file) : provider + ".webhook";
      if (provider.equals("obuma") && inEnvelope) {
        return new Mutated(provider, "obuma.webhook", TestEvents.obumaEnvelope(eventType, tree, positions.get(0) % 2 == 0).getBytes(StandardCharsets.UTF_8));
      }
      return new Mutated(provider, eventType, JSON.writeValueAsBytes(tree));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A place in a JSON tree whose value can be replaced. */
  private record Slot(JsonNode parent, String field, int index) {
    void replace(JsonNode value) {
      if (parent instanceof ObjectNode object) {
        object.set(field, value);
      } else {
        ((ArrayNode) parent).set(index, value);
      }
    }
  }

  private static void collectSlots(JsonNode node, List<Slot> slots) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        slots.add(new Slot(node, name, -1));
        collectSlots(node.get(name), slots);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        slots.add(new Slot(node, null, i));
        collectSlots(node.get(i), slots);
      }
    }
  }

  private static Arbitrary<JsonNode> jsonValues() {
    Arbitrary<JsonNode> scalars =
        Arbitraries.oneOf(
            Arbitraries.of("", "0", "1", "0000-00-00", "2025-02-30", "12:00", "1e999999999", "-5", "NaN", "si", "ACTIVE", "https:\\/\\/x")
                .map(NODES::textNode),
            Arbitraries.strings().ofMaxLength(12).map(NODES::textNode),
            Arbitraries.longs().map(NODES::numberNode),
            Arbitraries.bigDecimals().map(NODES::numberNode),
            Arbitraries.of(new BigDecimal("1e400"), new BigDecimal("-1e-400"), new BigDecimal("99999999999999999999.99999"))
                .map(NODES::numberNode),
            Arbitraries.of(NODES.nullNode(), NODES.booleanNode(true), NODES.booleanNode(false)));
    return Arbitraries.recursive(() -> scalars, MappersNeverThrowTest::containersOf, 0, 2);
  }

  private static Arbitrary<JsonNode> containersOf(Arbitrary<JsonNode> elements) {
    Arbitrary<JsonNode> arrays =
        elements.list().ofMaxSize(3).map(list -> {
          ArrayNode array = NODES.arrayNode();
          list.forEach(array::add);
          return array;
        });
    Arbitrary<JsonNode> objects =
        Combinators.combine(Arbitraries.of("id", "price", "items", "eventData", "curva", "x"), elements)
            .as((name, value) -> (JsonNode) NODES.objectNode().set(name, value));
    return Arbitraries.oneOf(arrays, objects, elements);
  }
}
