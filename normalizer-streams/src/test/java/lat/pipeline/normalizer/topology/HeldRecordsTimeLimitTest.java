package lat.pipeline.normalizer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.normalizer.health.NormalizerMetrics;
import lat.pipeline.normalizer.mapping.BsaleEnvelopes;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.kafka.CanonicalRegistry;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.FetchRequests;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A record held for its variant waits at most NORMALIZER_HELD_MAX_MS of wall-clock time, then is a dead letter. */
@ExtendWith(SharedRegistry.class)
class HeldRecordsTimeLimitTest {

  private static final String TENANT = "acme";
  private static final Instant RECEIVED = Instant.parse("2025-03-01T12:00:00Z");
  private static final Duration LIMIT = Duration.ofMinutes(10);

  private TopologyTestDriver driver;
  private NormalizerMetrics metrics;

  @BeforeAll
  static void registerSchemas() throws Exception {
    CanonicalRegistry registry = new CanonicalRegistry(SharedRegistry.registry().baseUrl());
    registry.registerCanonicalSchemas();
    Topics.configureCanonicalSerdes(registry.serdeConfig());
  }

  @BeforeEach
  void startDriver() throws Exception {
    metrics = NormalizerMetrics.inMemory();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "normalizer-held-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("normalizer-held-test").toString());
    driver = new TopologyTestDriver(new NormalizerTopology(
        ProviderMappers.all(TestEvents.SETTINGS), Duration.ofDays(7), LIMIT, metrics).build(), props, RECEIVED);
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  // Fails on main before this change: a held record had no time limit; with its variant never
  // answered it waited in bsale-held-for-variant for ever and no dead letter said so.
  @Test
  void aRecordHeldLongerThanTheLimitIsDeadLetteredAsItsRawRecordAndNoLongerHeld() throws Exception {
    byte[] stock = BsaleEnvelopes.envelope(Files.readAllBytes(Fixtures.root().resolve("bsale/stock.put.json")));
    pipeResource(stock);
    List<TestRecord<String, byte[]>> fetches = read(Topics.BSALE_FETCH_REQUESTS);
    assertThat(fetches).hasSize(1);

    driver.advanceWallClockTime(LIMIT.minusMinutes(2));
    assertThat(read(Topics.DLQ_NORMALIZER)).isEmpty();
    driver.advanceWallClockTime(Duration.ofMinutes(3));

    List<TestRecord<String, byte[]>> deadLetters = read(Topics.DLQ_NORMALIZER);
    assertThat(deadLetters).singleElement().satisfies(dead -> {
      assertThat(dead.key()).isEqualTo(TENANT);
      assertThat(dead.value()).isEqualTo(stock);
      assertThat(header(dead.headers(), DeadLetterHeaders.STEP)).isEqualTo(NormalizationPath.STEP_JOIN);
      assertThat(header(dead.headers(), DeadLetterHeaders.REASON))
          .contains("variant bsale:acme:variant:7079", "bsale:acme:stock:7079:1", "NORMALIZER_HELD_MAX_MS", "600000 ms");
      // What re-drive needs to send it through the path again.
      assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.RAW_BSALE_RESOURCES.name());
      assertThat(header(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
      assertThat(header(dead.headers(), CloudEventHeaders.TENANT)).isEqualTo(TENANT);
    });
    assertThat(metrics.count("normalizer_dead_letters", "bsale")).isEqualTo(1.0);

    // Its variant arriving now releases nothing: the record is in the dead letters, not emitted twice.
    pipeFetched(fetches.get(0));
    assertThat(read(Topics.CANONICAL_VARIANTS)).hasSize(1);
    assertThat(read(Topics.CANONICAL_STOCK)).isEmpty();
    driver.advanceWallClockTime(LIMIT.multipliedBy(2));
    assertThat(read(Topics.DLQ_NORMALIZER)).isEmpty();
  }

  @Test
  void aDocumentReHeldForItsSecondVariantKeepsTheTimeItWasFirstHeld() throws Exception {
    pipeResource(BsaleEnvelopes.envelope(Files.readAllBytes(
        java.nio.file.Path.of("src/test/resources/samples/bsale/document.post.json"))));
    List<TestRecord<String, byte[]>> fetches = read(Topics.BSALE_FETCH_REQUESTS);
    assertThat(fetches).hasSize(2);
    driver.advanceWallClockTime(LIMIT.minusMinutes(2));
    // The first variant arrives: the document waits on for the second, with the time it has waited already.
    pipeFetched(fetches.get(0));
    assertThat(read(Topics.CANONICAL_DOCUMENTS)).isEmpty();

    driver.advanceWallClockTime(Duration.ofMinutes(3));

    assertThat(read(Topics.DLQ_NORMALIZER)).singleElement().satisfies(dead -> assertThat(
        header(dead.headers(), DeadLetterHeaders.REASON)).contains("variant bsale:acme:variant:7080"));
  }

  /** The fetcher's answer to a fetch request the normalizer made. */
  private void pipeFetched(TestRecord<String, byte[]> fetch) throws Exception {
    pipeResource(BsaleEnvelopes.envelope(FetchRequests.decode(fetch.value()).notification().toString()
        .getBytes(StandardCharsets.UTF_8)));
  }

  private void pipeResource(byte[] envelope) {
    Headers headers = new RecordHeaders();
    add(headers, CloudEventHeaders.ID, UUID.randomUUID().toString());
    add(headers, CloudEventHeaders.TYPE, CloudEventHeaders.defaultType("bsale"));
    add(headers, CloudEventHeaders.TIME, RECEIVED.toString());
    add(headers, CloudEventHeaders.TENANT, TENANT);
    Topic<String, byte[]> resources = Topics.RAW_BSALE_RESOURCES;
    driver.createInputTopic(resources.name(), resources.keySerde().serializer(), resources.valueSerde().serializer())
        .pipeInput(new TestRecord<>(TENANT, envelope, headers, RECEIVED));
  }

  private List<TestRecord<String, byte[]>> read(Topic<String, ?> topic) {
    return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
        Topics.DLQ_NORMALIZER.valueSerde().deserializer()).readRecordsToList();
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String header(Headers headers, String name) {
    var header = headers.lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
