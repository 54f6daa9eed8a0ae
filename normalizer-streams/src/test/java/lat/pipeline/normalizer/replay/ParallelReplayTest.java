package lat.pipeline.normalizer.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.kafka.CanonicalRegistry;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topics;
import lat.pipeline.schemas.canonical.Customer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replay's workers share the raw topic's partitions out: every record is replayed, each entity's in
 * order, and one worker's failure stops the replay.
 */
@ExtendWith({SharedKafka.class, SharedRegistry.class})
class ParallelReplayTest {

  private static final int VERSIONS = 25;

  @Test
  void twoWorkersOverTwoPartitionsEmitEveryVersionOfEachEntityInItsOrder() throws Exception {
    prepareTopicsAndSerdes();
    List<String> tenants = tenantsOnEachPartition(3);
    Instant from = Instant.now();
    produce(tenants, VERSIONS);

    Replay.Summary summary = new Replay(SharedKafka.broker().clients(), Duration.ofDays(7), 2, line -> {})
        .run(ProviderMappers.forProvider("alegra", TestEvents.SETTINGS).orElseThrow(),
            new Replay.Window("alegra", null, from, null));

    assertThat(summary.read()).isEqualTo((long) VERSIONS * tenants.size());
    assertThat(summary.emitted()).isEqualTo((long) VERSIONS * tenants.size());
    assertThat(summary.deadLettered()).isZero();
    Map<String, List<String>> names = namesByTenant(tenants);
    List<String> inOrder = IntStream.rangeClosed(1, VERSIONS).mapToObj(ParallelReplayTest::name).toList();
    tenants.forEach(tenant -> assertThat(names.get(tenant)).as(tenant).isEqualTo(inOrder));
  }

  @Test
  void aWorkerThatFailsStopsTheReplayAndItsFailureIsThrown() throws Exception {
    prepareTopicsAndSerdes();
    List<String> tenants = tenantsOnEachPartition(1);
    String failing = tenants.get(0);
    Instant from = Instant.now();
    produce(tenants, VERSIONS);
    ProviderMapper alegra = ProviderMappers.forProvider("alegra", TestEvents.SETTINGS).orElseThrow();
    ProviderMapper failsOnOneTenant = new ProviderMapper() {
      @Override
      public String provider() {
        return alegra.provider();
      }

      @Override
      public MappingResult map(RawEvent event) {
        if (event.tenant().equals(failing)) {
          throw new IllegalStateException("a mapper bug on " + failing);
        }
        return alegra.map(event);
      }
    };

    assertThatThrownBy(() -> new Replay(SharedKafka.broker().clients(), Duration.ofDays(7), 2, line -> {})
        .run(failsOnOneTenant, new Replay.Window("alegra", null, from, null)))
        .isInstanceOf(IllegalStateException.class).hasMessage("a mapper bug on " + failing);
  }

  private static void prepareTopicsAndSerdes() throws Exception {
    try (Admin admin = SharedKafka.broker().clients().admin(Map.of())) {
      TopicProvisioner.ensure(admin, Topics.all(), new TopicSettings(2, (short) 1, -1, 604_800_000L));
    }
    CanonicalRegistry registry = new CanonicalRegistry(SharedRegistry.registry().baseUrl());
    registry.registerCanonicalSchemas();
    Topics.configureCanonicalSerdes(registry.serdeConfig());
  }

  /** Versions 1 to {@code versions} of client 1 of each tenant, the tenants' records interleaved. */
  private static void produce(List<String> tenants, int versions) {
    try (KafkaProducer<String, byte[]> producer = SharedKafka.broker().clients().producer(Topics.RAW_ALEGRA, Map.of())) {
      for (int version = 1; version <= versions; version++) {
        for (String tenant : tenants) {
          producer.send(RawRecords.record(Topics.RAW_ALEGRA, new RawRecords.Raw(UUID.randomUUID().toString(), "alegra", tenant,
              "alegra.webhook", Instant.now(), "application/json", false, Map.of(), client(version))));
        }
      }
    }
  }

  /** New tenants, {@code each} of them keyed onto each of raw.alegra's two partitions. */
  private static List<String> tenantsOnEachPartition(int each) {
    List<String> onFirst = new ArrayList<>();
    List<String> onSecond = new ArrayList<>();
    while (onFirst.size() < each || onSecond.size() < each) {
      String tenant = "parallel" + UUID.randomUUID().toString().substring(0, 8);
      List<String> side = Utils.toPositive(Utils.murmur2(tenant.getBytes(StandardCharsets.UTF_8))) % 2 == 0 ? onFirst : onSecond;
      if (side.size() < each) {
        side.add(tenant);
      }
    }
    List<String> tenants = new ArrayList<>(onFirst);
    tenants.addAll(onSecond);
    return tenants;
  }

  private static Map<String, List<String>> namesByTenant(List<String> tenants) {
    Map<String, List<String>> names = new HashMap<>();
    BoundedRead.of(SharedKafka.broker().clients(), Topics.CANONICAL_CUSTOMERS.name(), null, null).forEach(record -> {
      String tenant = record.key().split(":")[1];
      if (tenants.contains(tenant) && record.value() != null) {
        Customer customer = Topics.CANONICAL_CUSTOMERS.valueSerde().deserializer()
            .deserialize(record.topic(), record.headers(), record.value());
        names.computeIfAbsent(tenant, t -> new ArrayList<>()).add(customer.getLegalName());
      }
    });
    return names;
  }

  private static String name(int version) {
    return "Cliente versión " + version;
  }

  private static byte[] client(int version) {
    return ("{\"subject\":\"edit-client\",\"message\":{\"client\":{\"id\":\"1\",\"name\":\"" + name(version) + "\"}}}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
