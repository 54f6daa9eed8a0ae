package lat.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.kafka.KafkaBroker;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.dev.testing.TestServices;
import lat.pipeline.normalizer.NormalizerConfig;
import lat.pipeline.normalizer.NormalizerService;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.Topic;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.schemas.Topics;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Price;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A consumer that starts late learns the current state from the compacted canonical topics alone.
 * The test has a broker of its own (the registry is the shared one): it makes the log cleaner eager
 * on the canonical topics, which the other tests share on the shared broker.
 */
@ExtendWith({SharedKafka.class, SharedRegistry.class})
class CanonicalBootstrapTest {

  private static final List<String> TENANTS = List.of("north", "south");
  private static final String FLUSH_KEY = "segment-roll";
  private static TestServices services;
  private static KafkaBroker broker;
  private static Admin admin;
  private static KafkaProducer<String, byte[]> producer;

  @BeforeAll
  static void start() throws Exception {
    services = TestServices.onSharedStack("bootstrap");
    broker = services.start(() ->
        KafkaBroker.start(services.folder("kafka"), Ports.free(), Ports.free(), "384m"));
    admin = services.closeAtEnd(Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers())));
    TopicProvisioner.ensure(admin, Topics.all(), new TopicSettings(2, (short) 1, -1, 604_800_000L));
    services.with("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers())
        // Amounts need their tenant's currency: without it they are dead letters, never current state.
        .with("TENANT_SETTINGS", "*:north=CLP@America/Santiago,*:south=ARS@America/Argentina/Buenos_Aires");
    services.start(() -> new NormalizerService(NormalizerConfig.fromEnv(services.env()), () -> {}).start());
    producer = services.closeAtEnd(new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
        new StringSerializer(), new ByteArraySerializer()));
  }

  @AfterAll
  static void stop() {
    services.close();
  }

  // Fails on main before this change: the topics kept every version (delete policy) and a deleted
  // client or item stayed as its DELETED record, with the item's prices and stock beside it.
  @Test
  void aNewConsumerOfTheCompactedTopicsLearnsExactlyTheCurrentStateOfEveryEntityAndNoDeletedOne() throws Exception {
    assertThat(topicConfig(Topics.CANONICAL_PRODUCTS, "cleanup.policy")).isEqualTo("compact");
    assertThat(topicConfig(Topics.CANONICAL_EVENTS, "cleanup.policy")).isEqualTo("delete");
    String item = Files.readString(Fixtures.root().resolve("alegra/new-item.json"));
    String article = Files.readString(Fixtures.root().resolve("ninox/articulo.flat.single.json"));
    for (String tenant : TENANTS) {
      alegra(tenant, client("new", "774", "Ana"));
      alegra(tenant, client("edit", "774", "Ana " + tenant));
      alegra(tenant, client("new", "775", "Bruno"));
      alegra(tenant, "{\"subject\":\"delete-client\",\"message\":{\"id\":\"775\"}}");
      alegra(tenant, item);
      alegra(tenant, item.replace("new-item", "edit-item").replace("\"active\"", "\"inactive\""));
      alegra(tenant, item.replace("\"865\"", "\"866\""));
      alegra(tenant, "{\"subject\":\"delete-item\",\"message\":{\"id\":\"866\"}}");
      ninox(tenant, article);
      ninox(tenant, article.replace("\"unidades\": 15", "\"unidades\": 9"));
    }
    // What a consumer that followed from the start holds once the last event of each raw topic is in.
    Map<String, ByteBuffer> followed = awaitState(state -> TENANTS.stream().allMatch(tenant ->
        state.containsKey(Topics.CANONICAL_CUSTOMERS.name() + "|alegra:" + tenant + ":774")
            && lastValues(state, Topics.CANONICAL_STOCK, "ninox:" + tenant + ":").stream()
                .anyMatch(s -> s.getQuantity().intValue() == 9)
            && tombstoneSeen(Topics.CANONICAL_PRODUCTS, "alegra:" + tenant + ":866")));

    makeTheCleanerEager();
    Map<String, ByteBuffer> bootstrapped = awaitState(state -> compacted() && state.equals(followed));

    for (String tenant : TENANTS) {
      assertThat(value(bootstrapped, Topics.CANONICAL_CUSTOMERS, "alegra:" + tenant + ":774").getLegalName()).isEqualTo("Ana " + tenant);
      assertThat(bootstrapped).doesNotContainKey(Topics.CANONICAL_CUSTOMERS.name() + "|alegra:" + tenant + ":775");
      assertThat(value(bootstrapped, Topics.CANONICAL_PRODUCTS, "alegra:" + tenant + ":865").getActive()).isFalse();
      assertThat(bootstrapped).doesNotContainKey(Topics.CANONICAL_PRODUCTS.name() + "|alegra:" + tenant + ":866");
      assertThat(lastValues(bootstrapped, Topics.CANONICAL_PRICES, "alegra:" + tenant + ":")).extracting(Price::getProductId)
          .containsOnly("865").hasSize(2);
      assertThat(lastValues(bootstrapped, Topics.CANONICAL_STOCK, "alegra:" + tenant + ":866")).isEmpty();
      assertThat(lastValues(bootstrapped, Topics.CANONICAL_STOCK, "ninox:" + tenant + ":"))
          .extracting(s -> s.getQuantity().intValue()).containsExactly(9);
    }
    assertThat(bootstrapped.values()).noneMatch(value -> actionOf(value) == Action.DELETED);
  }

  /** Segments roll after 100 ms and are cleaned as soon as anything in them is dirty; tombstones go at once. */
  private static void makeTheCleanerEager() throws Exception {
    Map<ConfigResource, java.util.Collection<AlterConfigOp>> changes = new HashMap<>();
    for (Topic<String, ? extends SpecificRecord> topic : Topics.CANONICAL_ENTITIES) {
      changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()), List.of(
          set("segment.ms", "100"), set("min.cleanable.dirty.ratio", "0.01"), set("delete.retention.ms", "0")));
    }
    // The cleaner looks for dirty logs every 15 s by default; a broker-wide dynamic setting.
    changes.put(new ConfigResource(ConfigResource.Type.BROKER, ""), List.of(set("log.cleaner.backoff.ms", "100")));
    admin.incrementalAlterConfigs(changes).all().get();
  }

  private static AlterConfigOp set(String name, String value) {
    return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
  }

  /**
   * The state a consumer learns by reading every canonical entity topic from the beginning: each
   * key's last value, a tombstone removing it; waits (rolling the segments, so the cleaner can
   * take them) until the condition holds.
   */
  private static Map<String, ByteBuffer> awaitState(Predicate<Map<String, ByteBuffer>> done) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(deadline)) {
      history = readAll();
      Map<String, ByteBuffer> state = new HashMap<>();
      for (ConsumerRecord<String, byte[]> record : history) {
        String key = record.topic() + "|" + record.key();
        if (record.value() == null) {
          state.remove(key);
        } else {
          state.put(key, ByteBuffer.wrap(record.value()));
        }
      }
      if (done.test(state)) {
        return state;
      }
      rollSegments();
    }
    throw new AssertionError("the canonical topics did not reach the expected state within 120 s");
  }

  /** The last read from the beginning, for the conditions on it. */
  private static List<ConsumerRecord<String, byte[]>> history = List.of();

  private static boolean tombstoneSeen(Topic<String, ?> topic, String key) {
    return history.stream().anyMatch(r -> r.topic().equals(topic.name()) && key.equals(r.key()) && r.value() == null);
  }

  /** Compaction has run: every entity appears once, and neither a deletion nor a tombstone is left. */
  private static boolean compacted() {
    List<String> keys = history.stream().map(r -> r.topic() + "|" + r.key()).toList();
    return keys.size() == keys.stream().distinct().count()
        && history.stream().noneMatch(r -> r.value() == null || actionOf(ByteBuffer.wrap(r.value())) == Action.DELETED);
  }

  /** A tombstone for a key no entity has, on every partition: it rolls the active segment, which is never cleaned. */
  private static void rollSegments() throws Exception {
    for (Topic<String, ? extends SpecificRecord> topic : Topics.CANONICAL_ENTITIES) {
      for (int partition = 0; partition < 2; partition++) {
        producer.send(new ProducerRecord<>(topic.name(), partition, FLUSH_KEY, null)).get();
      }
    }
  }

  private static List<ConsumerRecord<String, byte[]>> readAll() {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (Topic<String, ? extends SpecificRecord> topic : Topics.CANONICAL_ENTITIES) {
        consumer.partitionsFor(topic.name()).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
          if (!FLUSH_KEY.equals(record.key())) {
            records.add(record);
          }
        });
      }
    }
    return records;
  }

  private static <V extends SpecificRecord> V value(Map<String, ByteBuffer> state, Topic<String, V> topic, String key) {
    ByteBuffer value = state.get(topic.name() + "|" + key);
    assertThat(value).as(topic.name() + " " + key).isNotNull();
    return decode(topic, value);
  }

  private static <V extends SpecificRecord> List<V> lastValues(Map<String, ByteBuffer> state, Topic<String, V> topic, String keyPrefix) {
    return state.entrySet().stream().filter(e -> e.getKey().startsWith(topic.name() + "|" + keyPrefix))
        .map(e -> decode(topic, e.getValue())).toList();
  }

  private static <V extends SpecificRecord> V decode(Topic<String, V> topic, ByteBuffer value) {
    return topic.valueSerde().deserializer().deserialize(topic.name(), value.duplicate().array());
  }

  /** Every canonical value starts with its metadata, whatever its type. */
  private static Action actionOf(ByteBuffer value) {
    SpecificRecord record = Topics.CANONICAL_CUSTOMERS.valueSerde().deserializer().deserialize("any", value.array());
    return ((lat.pipeline.schemas.canonical.Metadata) record.get(0)).getAction();
  }

  private static String client(String verb, String id, String name) {
    return "{\"subject\":\"" + verb + "-client\",\"message\":{\"client\":{\"id\":\"" + id + "\",\"name\":\"" + name + "\"}}}";
  }

  private static void alegra(String tenant, String body) throws Exception {
    raw(Topics.RAW_ALEGRA, tenant, body);
  }

  private static void ninox(String tenant, String body) throws Exception {
    raw(Topics.RAW_NINOX, tenant, body);
  }

  /** What the receiver stores for a webhook of the tenant. */
  private static void raw(Topic<String, byte[]> topic, String tenant, String body) throws Exception {
    String provider = Topics.providerOf(topic);
    RecordHeaders headers = new RecordHeaders();
    headers.add(CloudEventHeaders.SPEC_VERSION, bytes("1.0"));
    headers.add(CloudEventHeaders.ID, bytes(UUID.randomUUID().toString()));
    headers.add(CloudEventHeaders.SOURCE, bytes(CloudEventHeaders.source(provider, tenant)));
    headers.add(CloudEventHeaders.TYPE, bytes(CloudEventHeaders.defaultType(provider)));
    headers.add(CloudEventHeaders.TIME, bytes(Instant.now().toString()));
    headers.add(CloudEventHeaders.CONTENT_TYPE, bytes("application/json"));
    headers.add(CloudEventHeaders.TENANT, bytes(tenant));
    producer.send(new ProducerRecord<>(topic.name(), null, tenant, bytes(body), headers)).get();
  }

  private static String topicConfig(Topic<String, ?> topic, String name) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
    return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(name).value();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
