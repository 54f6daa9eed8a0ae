package lat.pipeline.normalizer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import lat.pipeline.config.Env;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.normalizer.NormalizerConfig;
import lat.pipeline.normalizer.NormalizerService;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.TestMappers;
import lat.pipeline.kafka.CanonicalRegistry;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import lat.pipeline.schemas.canonical.Customer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replay emits only what differs from what was emitted; re-drive brings transient failures through.
 * Each test has its own tenant. The tests that need the normalizer run it as one Kafka Streams
 * application (one application id and state directory for the class), so a later run resumes
 * where the earlier one committed instead of creating its internal topics and reading every raw
 * record again; one producer writes every raw record.
 */
@ExtendWith({SharedKafka.class, SharedRegistry.class})
// The re-drive test's normalizer takes up the raw records the tests before it wrote, and re-drive
// re-emits them: it goes last, so that nothing reaches another test's canonical topics mid-test.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayAndRedriveTest {

  private static final Duration RETENTION = Duration.ofDays(7);
  private static final String APPLICATION_ID = "normalizer-replay-" + UUID.randomUUID();
  private static Path stateDir;
  private static KafkaProducer<String, byte[]> producer;

  private static final String TRACEPARENT = "00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  /** The tenants of the first two tests, whose raw records one normalizer run takes before the tests. */
  private static final String CORRECTED_TENANT = newTenant();
  private static final String EVA_TENANT = newTenant();
  private String tenant = newTenant();

  @BeforeAll
  static void createTopics() throws Exception {
    try (Admin admin = SharedKafka.broker().clients().admin(Map.of())) {
      TopicProvisioner.ensure(admin, Topics.all(), new TopicSettings(2, (short) 1, -1, 604_800_000L));
    }
    useRegistry(SharedRegistry.registry().baseUrl());
    stateDir = Files.createTempDirectory("normalizer-replay");
    producer = SharedKafka.broker().clients().producer(Map.of(), new StringSerializer(), new ByteArraySerializer());
    for (String body : List.of(client("1", "Ana"), client("1", "Ana María"), client("2", "Beto"), client("3", "Carla"))) {
      produceRaw(CORRECTED_TENANT, Topics.RAW_ALEGRA.name(), body);
    }
    produceRaw(EVA_TENANT, Topics.RAW_ALEGRA.name(), client("5", "Eva"));
    produceRaw(EVA_TENANT, Topics.RAW_ALEGRA.name(), client("5", "Eva Luna"));
    runNormalizerUntil(() -> customers(CORRECTED_TENANT).size() >= 4 && customers(EVA_TENANT).size() >= 2);
  }

  @AfterAll
  static void closeProducer() {
    producer.close();
  }

  @Test
  @Order(1)
  void replayOfTheSameWindowEmitsNothingAndAfterAMapperChangeExactlyTheCorrections() throws Exception {
    tenant = CORRECTED_TENANT;
    assertThat(customers()).hasSize(4);

    Replay replay = new Replay(SharedKafka.broker().clients(), RETENTION, line -> {});
    Replay.Window window = new Replay.Window("alegra", tenant, Instant.EPOCH, null);
    Replay.Summary same = replay.run(ProviderMappers.forProvider("alegra", TestEvents.SETTINGS).orElseThrow(), window);
    assertThat(same.read()).isEqualTo(4);
    assertThat(same.emitted()).isZero();
    assertThat(same.unchanged()).isEqualTo(4);

    Replay.Summary fixed = replay.run(new RenamingClient(ProviderMappers.forProvider("alegra", TestEvents.SETTINGS).orElseThrow(), "2", "BETO (CORREGIDO)"), window);
    assertThat(fixed.emitted()).isEqualTo(1);
    List<Customer> after = customers();
    assertThat(after).hasSize(5);
    // Partitions interleave on reading: compare per customer, in each one's own (partition) order.
    assertThat(after.stream().filter(c -> c.getId().equals("2")).map(Customer::getLegalName))
        .containsExactly("Beto", "BETO (CORREGIDO)");
    assertThat(after.stream().filter(c -> !c.getId().equals("2"))).hasSize(3);
    // Fails on main before this change: what replay wrote carried no headers, so no trace context.
    List<String> traces = new ArrayList<>();
    BoundedRead.of(SharedKafka.broker().clients(), Topics.CANONICAL_CUSTOMERS.name(), null, null).forEach(record -> {
      if (record.key().equals("alegra:" + tenant + ":2")) {
        var trace = record.headers().lastHeader(CloudEventHeaders.TRACEPARENT);
        traces.add(trace == null ? null : new String(trace.value(), StandardCharsets.UTF_8));
      }
    });
    assertThat(traces).containsExactly(TRACEPARENT, TRACEPARENT);
  }

  // Fails on main before this change: "Eva" was an earlier version of client 5, so the corrected
  // last state counted as unchanged and the canonical state stayed "Eva Luna".
  @Test
  @Order(2)
  void replayComparesWithTheLatestEmittedStateNotWithAnyEarlierVersion() throws Exception {
    tenant = EVA_TENANT;
    assertThat(customers()).extracting(Customer::getLegalName).containsExactly("Eva", "Eva Luna");

    Replay.Summary fixed = new Replay(SharedKafka.broker().clients(), RETENTION, line -> {})
        .run(new RenamingClient(ProviderMappers.forProvider("alegra", TestEvents.SETTINGS).orElseThrow(), "5", "Eva"),
            new Replay.Window("alegra", tenant, Instant.EPOCH, null));

    assertThat(fixed.emitted()).isEqualTo(1);
    assertThat(customers()).extracting(Customer::getLegalName).containsExactly("Eva", "Eva Luna", "Eva");
  }

  // Fails on main before this change: replay counted the raw record and emitted nothing, no dead letter.
  @Test
  @Order(3)
  void replayDeadLettersARawRecordTheMapperTurnsIntoNothingAsTheTopologyDoes() throws Exception {
    produceRaw(Topics.RAW_ALEGRA.name(), client("6", "Nadie"));
    ProviderMapper yieldsNothing = TestMappers.yieldingNothing("alegra");

    Replay.Summary summary = new Replay(SharedKafka.broker().clients(), RETENTION, line -> {})
        .run(yieldsNothing, new Replay.Window("alegra", tenant, Instant.EPOCH, null));

    assertThat(summary.deadLettered()).isEqualTo(1);
    assertThat(deadLettersFor("map")).singleElement()
        .satisfies(dead -> assertThat(new String(dead.headers().lastHeader(DeadLetterHeaders.REASON).value(),
            StandardCharsets.UTF_8)).contains("produced no record"));
  }

  // Fails on main before this change: re-drive wrote the old version after the newer one, so the
  // entity's last state went back to "Viejo".
  @Test
  @Order(5)
  void aReDrivenDeadLetterNeverOverwritesANewerVersionOfItsEntity() throws Exception {
    Instant started = Instant.now();
    produceRaw(Topics.RAW_ALEGRA.name(), client("8", "Viejo"));
    produceRaw(Topics.RAW_ALEGRA.name(), client("8", "Nuevo"));
    // As the topology does when the registry is down for the first and back for the second.
    ProviderMapper failsOnTheOldVersion = new ProviderMapper() {
      private final ProviderMapper real = ProviderMappers.forProvider("alegra", TestEvents.SETTINGS).orElseThrow();

      @Override
      public String provider() {
        return "alegra";
      }

      @Override
      public MappingResult map(RawEvent event) {
        return new String(event.body(), StandardCharsets.UTF_8).contains("Viejo")
            ? new MappingResult.Failed("serialize", "the registry did not answer") : real.map(event);
      }
    };
    new Replay(SharedKafka.broker().clients(), RETENTION, line -> {})
        .run(failsOnTheOldVersion, new Replay.Window("alegra", tenant, started, null));
    assertThat(deadLettersFor("serialize")).hasSize(1);

    Replay.Summary summary = new Redrive(SharedKafka.broker().clients(), RETENTION, ProviderMappers.all(TestEvents.SETTINGS), line -> {})
        .run(started);

    assertThat(customers()).extracting(Customer::getLegalName).containsExactly("Nuevo");
    assertThat(summary.unchanged()).isPositive();
  }

  @Test
  @Order(6)
  void aRecordDeadLetteredWhileTheRegistryWasDownGoesThroughOnRedrive() throws Exception {
    Instant started = Instant.now();
    try (CuttableRelay registry = new CuttableRelay(SharedRegistry.registry().baseUrl());
         NormalizerService normalizer = startNormalizer(registry.url())) {
      registry.cut();
      produceRaw(Topics.RAW_ALEGRA.name(), client("9", "Durante la caída"));
      awaitUntil(() -> !deadLettersFor("serialize").isEmpty());
      assertThat(deadLettersFor("serialize")).hasSize(1);
    }

    useRegistry(SharedRegistry.registry().baseUrl());
    Replay.Summary summary = new Redrive(SharedKafka.broker().clients(), RETENTION, ProviderMappers.all(TestEvents.SETTINGS), line -> {})
        .run(started);
    // Every record the outage dead-lettered goes through, this tenant's among them.
    assertThat(summary.emitted()).isPositive();
    assertThat(summary.deadLettered()).isZero();
    assertThat(customers()).extracting(Customer::getId).containsExactly("9");
  }

  @Test
  @Order(4)
  void aSelectedDeadLetterIsReDrivenAloneAndTheOthersStay() throws Exception {
    Instant started = Instant.now();
    produceRaw(Topics.RAW_ALEGRA.name(), client("10", "Elegido"));
    produceRaw(Topics.RAW_ALEGRA.name(), client("11", "Esperando"));
    new Replay(SharedKafka.broker().clients(), RETENTION, line -> {})
        .run(TestMappers.failing("alegra", "serialize", "the registry did not answer"),
            new Replay.Window("alegra", tenant, started, null));
    List<ConsumerRecord<String, byte[]>> dead = deadLettersFor("serialize");
    assertThat(dead).hasSize(2);
    ConsumerRecord<String, byte[]> chosen = dead.stream()
        .filter(record -> new String(record.value(), StandardCharsets.UTF_8).contains("Elegido")).findFirst().orElseThrow();
    Redrive.Selected selected = new Redrive.Selected(chosen.partition(), chosen.offset());
    Redrive.Selected nothingThere = new Redrive.Selected(chosen.partition(), Long.MAX_VALUE - 1);

    Map<Redrive.Selected, Replay.Summary> outcomes =
        new Redrive(SharedKafka.broker().clients(), RETENTION, ProviderMappers.all(TestEvents.SETTINGS), line -> {})
            .redrive(List.of(nothingThere, selected));

    assertThat(outcomes.keySet()).containsExactly(selected, nothingThere);
    assertThat(outcomes.get(selected)).isEqualTo(new Replay.Summary(1, 1, 0, 0));
    assertThat(outcomes.get(nothingThere).read()).isZero();
    assertThat(customers()).extracting(Customer::getLegalName).containsExactly("Elegido");
  }

  /** The Alegra mapper with one correction: one client's name, as a mapper fix would change it. */
  private record RenamingClient(ProviderMapper real, String id, String name) implements ProviderMapper {
    @Override
    public String provider() {
      return real.provider();
    }

    @Override
    public MappingResult map(RawEvent event) {
      MappingResult result = real.map(event);
      if (result instanceof MappingResult.Mapped mapped) {
        List<CanonicalRecord> corrected = new ArrayList<>();
        for (CanonicalRecord record : mapped.records()) {
          if (record.value() instanceof Customer customer && customer.getId().equals(id)) {
            Customer fixed = Customer.newBuilder(customer).setLegalName(name).build();
            corrected.add(new CanonicalRecord(record.entity(), record.key(), fixed, record.eventId(), record.sourceTime()));
          } else {
            corrected.add(record);
          }
        }
        return new MappingResult.Mapped(corrected);
      }
      return result;
    }
  }

  private static void useRegistry(String url) throws Exception {
    CanonicalRegistry canonical = new CanonicalRegistry(url);
    canonical.registerCanonicalSchemas();
    Topics.configureCanonicalSerdes(canonical.serdeConfig());
  }

  private static NormalizerService startNormalizer(String registryUrl) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers(),
        "SCHEMA_REGISTRY_URL", registryUrl,
        "NORMALIZER_APPLICATION_ID", APPLICATION_ID,
        "NORMALIZER_STATE_DIR", stateDir.toString(),
        "NORMALIZER_HEALTH_PORT", "0",
        "TOPIC_PARTITIONS", "2"));
    return new NormalizerService(NormalizerConfig.fromEnv(new Env(env)), () -> {}).start();
  }

  private static void runNormalizerUntil(BooleanSupplier done) throws Exception {
    try (NormalizerService normalizer = startNormalizer(SharedRegistry.registry().baseUrl())) {
      awaitUntil(done);
    }
  }

  /** Polls the condition until it holds, for at most a minute. */
  private static void awaitUntil(BooleanSupplier done) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!done.getAsBoolean() && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
  }

  private List<Customer> customers() {
    return customers(tenant);
  }

  private static List<Customer> customers(String tenant) {
    List<Customer> customers = new ArrayList<>();
    BoundedRead.of(SharedKafka.broker().clients(), Topics.CANONICAL_CUSTOMERS.name(), null, null)
        .forEach(record -> {
          if (record.key().startsWith("alegra:" + tenant + ":")) {
            customers.add(Topics.CANONICAL_CUSTOMERS.valueSerde().deserializer()
                .deserialize(record.topic(), record.headers(), record.value()));
          }
        });
    return customers;
  }

  private List<ConsumerRecord<String, byte[]>> deadLettersFor(String step) {
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    BoundedRead.of(SharedKafka.broker().clients(), Topics.DLQ_NORMALIZER.name(), null, null).forEach(record -> {
      var tenantHeader = record.headers().lastHeader(CloudEventHeaders.TENANT);
      var stepHeader = record.headers().lastHeader(DeadLetterHeaders.STEP);
      if (tenantHeader != null && tenant.equals(new String(tenantHeader.value(), StandardCharsets.UTF_8))
          && stepHeader != null && step.equals(new String(stepHeader.value(), StandardCharsets.UTF_8))) {
        found.add(record);
      }
    });
    return found;
  }

  private void produceRaw(String topic, String body) throws Exception {
    produceRaw(tenant, topic, body);
  }

  private static void produceRaw(String tenant, String topic, String body) throws Exception {
    RecordHeaders headers = new RecordHeaders();
    headers.add(CloudEventHeaders.ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    headers.add(CloudEventHeaders.TENANT, tenant.getBytes(StandardCharsets.UTF_8));
    headers.add(CloudEventHeaders.TIME, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
    headers.add(CloudEventHeaders.TRACEPARENT, TRACEPARENT.getBytes(StandardCharsets.UTF_8));
    producer.send(new ProducerRecord<>(topic, null, tenant, body.getBytes(StandardCharsets.UTF_8), headers)).get();
  }

  private static String newTenant() {
    return "replay" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String client(String id, String name) {
    return "{\"subject\":\"edit-client\",\"message\":{\"client\":{\"id\":\"" + id + "\",\"name\":\"" + name + "\"}}}";
  }
}
