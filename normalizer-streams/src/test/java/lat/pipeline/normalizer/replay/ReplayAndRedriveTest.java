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
import lat.pipeline.config.Env;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.registry.RegistryProcess;
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
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.schemas.CanonicalRegistry;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.TopicProvisioner;
import lat.pipeline.schemas.TopicSettings;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import lat.pipeline.schemas.canonical.Customer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** Replay emits only what differs from what was emitted; re-drive brings transient failures through. */
@ExtendWith({SharedKafka.class, SharedRegistry.class})
// The re-drive test runs a normalizer over every raw record in the broker: it goes last, so that
// what it re-emits for other tenants does not reach the replay test's canonical topics mid-test.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplayAndRedriveTest {

  private static final Duration RETENTION = Duration.ofDays(7);

  private static final String TRACEPARENT = "00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private final String tenant = "replay" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void createTopics() throws InterruptedException {
    try (Admin admin = SharedKafka.broker().clients().admin(Map.of())) {
      TopicProvisioner.ensure(admin, Topics.all(), new TopicSettings(2, (short) 1, -1, 604_800_000L));
    }
  }

  @Test
  @Order(1)
  void replayOfTheSameWindowEmitsNothingAndAfterAMapperChangeExactlyTheCorrections() throws Exception {
    List<String> clients = List.of(client("1", "Ana"), client("1", "Ana María"), client("2", "Beto"), client("3", "Carla"));
    clients.forEach(body -> produceRaw(Topics.RAW_ALEGRA.name(), body));
    runNormalizerUntil(SharedRegistry.registry(), () -> customers().size() >= 4);
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
    produceRaw(Topics.RAW_ALEGRA.name(), client("5", "Eva"));
    produceRaw(Topics.RAW_ALEGRA.name(), client("5", "Eva Luna"));
    runNormalizerUntil(SharedRegistry.registry(), () -> customers().size() >= 2);

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
    Path logs = Files.createTempDirectory("redrive-registry");
    int port = Ports.free();
    RegistryProcess registry = RegistryProcess.start(port, null, logs);
    NormalizerService normalizer = startNormalizer(registry);
    try {
      registry.stop();
      produceRaw(Topics.RAW_ALEGRA.name(), client("9", "Durante la caída"));
      long deadline = System.currentTimeMillis() + 90_000;
      while (deadLettersFor("serialize").isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
      }
      assertThat(deadLettersFor("serialize")).hasSize(1);
    } finally {
      normalizer.close();
    }

    RegistryProcess again = RegistryProcess.start(port, null, logs);
    try {
      CanonicalRegistry canonical = new CanonicalRegistry(again.baseUrl());
      canonical.registerCanonicalSchemas();
      Topics.configureCanonicalSerdes(canonical.serdeConfig());
      Replay.Summary summary = new Redrive(SharedKafka.broker().clients(), RETENTION, ProviderMappers.all(TestEvents.SETTINGS), line -> {})
          .run(started);
      // Every record the outage dead-lettered goes through, this tenant's among them.
      assertThat(summary.emitted()).isPositive();
      assertThat(summary.deadLettered()).isZero();
      assertThat(customers()).extracting(Customer::getId).containsExactly("9");
    } finally {
      again.stop();
    }
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

  private NormalizerService startNormalizer(RegistryProcess registry) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers(),
        "SCHEMA_REGISTRY_URL", registry.baseUrl(),
        "NORMALIZER_APPLICATION_ID", "normalizer-replay-" + UUID.randomUUID(),
        "NORMALIZER_STATE_DIR", Files.createTempDirectory("normalizer-replay").toString(),
        "NORMALIZER_HEALTH_PORT", "0",
        "TOPIC_PARTITIONS", "2"));
    return new NormalizerService(NormalizerConfig.fromEnv(new Env(env)), () -> {}).start();
  }

  private void runNormalizerUntil(RegistryProcess registry, java.util.function.BooleanSupplier done) throws Exception {
    try (NormalizerService normalizer = startNormalizer(registry)) {
      long deadline = System.currentTimeMillis() + 60_000;
      while (!done.getAsBoolean() && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
      }
    }
  }

  private List<Customer> customers() {
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

  private void produceRaw(String topic, String body) {
    try (KafkaProducer<String, byte[]> producer = SharedKafka.broker().clients().producer(Map.of(), new StringSerializer(), new ByteArraySerializer())) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(CloudEventHeaders.ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
      headers.add(CloudEventHeaders.TENANT, tenant.getBytes(StandardCharsets.UTF_8));
      headers.add(CloudEventHeaders.TIME, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
      headers.add(CloudEventHeaders.TRACEPARENT, TRACEPARENT.getBytes(StandardCharsets.UTF_8));
      producer.send(new ProducerRecord<>(topic, null, tenant, body.getBytes(StandardCharsets.UTF_8), headers));
    }
  }

  private static String client(String id, String name) {
    return "{\"subject\":\"edit-client\",\"message\":{\"client\":{\"id\":\"" + id + "\",\"name\":\"" + name + "\"}}}";
  }
}
