package lat.pipeline.normalizer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import lat.pipeline.dev.testing.PlainAvroSerdes;
import lat.pipeline.normalizer.health.NormalizerMetrics;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Random sequences of states of one entity, with redeliveries mixed in, through the topology: what
 * comes out is the sequence of states with the redeliveries and the consecutive no-ops removed, in
 * order, for every provider (Bsale through {@code raw.bsale.resources}, as the topology maps it).
 *
 * <p>A step {@code >= 0} is a new delivery of that state; a step {@code < 0} repeats an earlier
 * delivery as each provider can: the same receipt stored twice by the receiver (any provider), the
 * same OBUMA eventId or Bsale notification under a new receipt, or Alegra's retry of the delivery
 * just made (same body, new receipt).
 */
class CanonicalSequenceProperties {

  private static final String TENANT = "prop";
  private static final Instant RECEIVED = Instant.parse("2025-03-01T12:00:00Z");
  private static final AtomicInteger ENTITIES = new AtomicInteger(1000);

  private static TopologyTestDriver driver;

  /** One delivery as sent: its body and receipt, so a repeat can reuse either. */
  private record Delivery(int state, byte[] body, String receipt) {}

  @BeforeContainer
  static void start() throws Exception {
    PlainAvroSerdes.install();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "normalizer-properties");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("normalizer-properties").toString());
    driver = new TopologyTestDriver(
        new NormalizerTopology(ProviderMappers.all(TestEvents.SETTINGS), Duration.ofDays(7), NormalizerMetrics.inMemory()).build(), props);
  }

  @AfterContainer
  static void stop() {
    driver.close();
  }

  @Provide
  Arbitrary<List<Integer>> steps() {
    return Arbitraries.integers().between(-3, 2).list().ofMinSize(1).ofMaxSize(14);
  }

  @Property(tries = 40)
  void ninoxStock(@ForAll("steps") List<Integer> steps) {
    check(steps, Topics.RAW_NINOX, (entity, state, step) ->
            "[{\"articuloId\": " + entity + ", \"colorId\": 1, \"talleId\": 1, \"unidades\": " + state + "}]",
        Topics.CANONICAL_STOCK, stock -> String.valueOf(stock.getQuantity().intValue()), String::valueOf, false);
  }

  @Property(tries = 40)
  void alegraClient(@ForAll("steps") List<Integer> steps) {
    check(steps, Topics.RAW_ALEGRA, (entity, state, step) ->
            "{\"subject\":\"edit-client\",\"message\":{\"client\":{\"id\":\"" + entity + "\",\"name\":\"N" + state + "\"}}}",
        Topics.CANONICAL_CUSTOMERS, customer -> customer.getLegalName(), state -> "N" + state, true);
  }

  @Property(tries = 40)
  void obumaProduct(@ForAll("steps") List<Integer> steps) {
    check(steps, Topics.RAW_OBUMA, (entity, state, step) ->
            "{\"eventId\":\"ev-" + entity + "-" + step + "\",\"eventType\":\"producto.updated\",\"eventDate\":\"2025-03-01 10:"
                + String.format("%02d", step) + ":00\",\"eventData\":{\"producto_id\":\"" + entity
                + "\",\"producto_nombre\":\"N" + state + "\"}}",
        Topics.CANONICAL_PRODUCTS, product -> product.getName(), state -> "N" + state, true);
  }

  @Property(tries = 40)
  void bsaleStock(@ForAll("steps") List<Integer> steps) {
    check(steps, Topics.RAW_BSALE_RESOURCES, (entity, state, step) ->
            "{\"notification\":{\"cpnId\":2,\"resource\":\"/v2/stocks.json?variant=" + entity + "&office=1\",\"resourceId\":\""
                + entity + "\",\"topic\":\"stock\",\"action\":\"put\",\"officeId\":\"1\",\"send\":" + (1503500000 + step)
                + "},\"request\":\"/v1/stocks.json?variantid=" + entity + "&officeid=1\",\"status\":200,"
                + "\"fetchedAt\":\"2025-03-01T12:00:00Z\",\"body\":{\"count\":1,\"limit\":25,\"offset\":0,\"items\":[{\"id\":555,"
                + "\"quantity\":" + state + ",\"quantityReserved\":0,\"quantityAvailable\":" + state + ",\"variant\":{\"id\":\""
                + entity + "\"},\"office\":{\"id\":\"1\"}}]},\"coalesced\":0}",
        Topics.CANONICAL_STOCK, stock -> String.valueOf(stock.getQuantity().intValue()), String::valueOf, true);
  }

  interface Body {
    String of(int entity, int state, int step);
  }

  /**
   * @param repeatsKeepTheBody true where a provider's own redelivery repeats the body under a new
   *     receipt (OBUMA's eventId and Bsale's notification identify it; Alegra's retry comes at once)
   */
  private static <V extends SpecificRecord> void check(List<Integer> steps, Topic<String, byte[]> raw, Body body,
      Topic<String, V> canonical, Function<V, String> observed, Function<Integer, String> expected, boolean repeatsKeepTheBody) {
    int entity = ENTITIES.incrementAndGet();
    List<Delivery> sent = new ArrayList<>();
    List<String> changes = new ArrayList<>();
    var output = driver.createOutputTopic(canonical.name(), canonical.keySerde().deserializer(), canonical.valueSerde().deserializer());
    output.readRecordsToList(); // what earlier tries left
    if (raw == Topics.RAW_BSALE_RESOURCES) {
      // A Bsale stock is emitted once its variant is known (else it waits for the variant's fetch).
      pipe(raw, ("{\"notification\":{\"cpnId\":2,\"resourceId\":\"" + entity + "\",\"topic\":\"variant\",\"action\":\"put\","
          + "\"send\":1503400000},\"request\":\"/v1/variants/" + entity + ".json\",\"status\":200,\"body\":{\"id\":" + entity
          + ",\"code\":\"SKU-" + entity + "\",\"state\":0,\"product\":{\"id\":\"9" + entity + "\"}}}").getBytes(StandardCharsets.UTF_8),
          UUID.randomUUID().toString());
    }
    for (int step = 0; step < steps.size(); step++) {
      int value = steps.get(step);
      if (value >= 0) {
        Delivery delivery = new Delivery(value, body.of(entity, value, step).getBytes(StandardCharsets.UTF_8),
            UUID.randomUUID().toString());
        sent.add(delivery);
        pipe(raw, delivery.body(), delivery.receipt());
        if (changes.isEmpty() || !changes.get(changes.size() - 1).equals(expected.apply(value))) {
          changes.add(expected.apply(value));
        }
      } else if (!sent.isEmpty()) {
        boolean providerRetry = repeatsKeepTheBody && value == -1;
        // Alegra retries the delivery it just made; OBUMA and Bsale name the delivery, whichever it was.
        Delivery again = raw == Topics.RAW_ALEGRA && providerRetry ? sent.get(sent.size() - 1)
            : sent.get(Math.floorMod(value * 7919 + step, sent.size()));
        pipe(raw, again.body(), providerRetry ? UUID.randomUUID().toString() : again.receipt());
      }
    }
    List<String> emitted = output.readRecordsToList().stream().map(TestRecord::value).map(observed).toList();
    assertThat(emitted).as("steps %s", steps).isEqualTo(changes);
  }

  private static void pipe(Topic<String, byte[]> topic, byte[] body, String receipt) {
    String provider = topic == Topics.RAW_BSALE_RESOURCES ? "bsale" : topic.name().substring("raw.".length());
    Headers headers = new RecordHeaders();
    add(headers, CloudEventHeaders.ID, receipt);
    add(headers, CloudEventHeaders.SOURCE, CloudEventHeaders.source(provider, TENANT));
    add(headers, CloudEventHeaders.TYPE, CloudEventHeaders.defaultType(provider));
    add(headers, CloudEventHeaders.TIME, RECEIVED.toString());
    add(headers, CloudEventHeaders.TENANT, TENANT);
    driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer())
        .pipeInput(new TestRecord<>(TENANT, body, headers, RECEIVED));
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
