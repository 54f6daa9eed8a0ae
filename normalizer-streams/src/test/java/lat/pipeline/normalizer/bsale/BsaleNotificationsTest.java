package lat.pipeline.normalizer.bsale;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.normalizer.health.NormalizerMetrics;
import lat.pipeline.normalizer.mapping.Json;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.FetchRequests;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The notification sub-topology alone: each notification is parsed once, into a typed fetch request. */
class BsaleNotificationsTest {

  private static final String TENANT = "acme";

  private TopologyTestDriver driver;

  @BeforeEach
  void startDriver() throws Exception {
    StreamsBuilder builder = new StreamsBuilder();
    new BsaleNotifications(Duration.ofDays(1), NormalizerMetrics.inMemory()).addTo(builder);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bsale-notifications-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("bsale-notifications-test").toString());
    driver = new TopologyTestDriver(builder.build(), props);
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  // Fails on main before this change: the value was the notification as received, which the
  // fetcher parsed a second time with its own code.
  @Test
  void aNotificationBecomesATypedFetchRequestThatTheSharedCodecDecodes() throws Exception {
    byte[] notification = Files.readAllBytes(Fixtures.root().resolve("bsale/stock.put.json"));
    pipe(notification);

    List<TestRecord<String, byte[]>> requests = read(Topics.BSALE_FETCH_REQUESTS);
    assertThat(requests).hasSize(1);
    FetchRequests.Request request = FetchRequests.decode(requests.get(0).value());
    assertThat(request).isEqualTo(new FetchRequests.Request(TENANT, "2", "stock", "7079", "1", 1503500856L,
        "bsale:acme:2:stock:7079:put:1503500856:1", Json.parse(notification, "body")));
    assertThat(read(Topics.DLQ_NORMALIZER)).isEmpty();
  }

  // Fails on main before this change: a notification without cpnId was forwarded to the fetcher,
  // which only counted it and committed past it; a price without its price list was fetched from
  // /v1/price_lists/null/..., whose 404 became a deleted price.
  @Test
  void aNotificationTheFetcherCannotServeIsDeadLetteredWithItsReasonAndNeverRequested() {
    Map<String, String> reasons = Map.of(
        "{\"resourceId\":\"7079\",\"topic\":\"stock\",\"action\":\"put\",\"send\":1503500856}", "names no cpnId",
        "{\"cpnId\":2,\"resourceId\":\"7079\",\"topic\":\"price\",\"action\":\"put\",\"send\":1}", "names no priceListId");
    reasons.forEach((body, reason) -> {
      byte[] notification = body.getBytes(StandardCharsets.UTF_8);
      pipe(notification);

      assertThat(read(Topics.BSALE_FETCH_REQUESTS)).isEmpty();
      List<TestRecord<String, byte[]>> dead = read(Topics.DLQ_NORMALIZER);
      assertThat(dead).hasSize(1);
      assertThat(dead.get(0).value()).isEqualTo(notification);
      assertThat(header(dead.get(0).headers(), DeadLetterHeaders.REASON)).contains(reason);
      assertThat(header(dead.get(0).headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.RAW_BSALE.name());
    });
  }

  private void pipe(byte[] body) {
    Headers headers = new RecordHeaders();
    headers.add(CloudEventHeaders.TENANT, TENANT.getBytes(StandardCharsets.UTF_8));
    headers.add(CloudEventHeaders.SOURCE, CloudEventHeaders.source("bsale", TENANT).getBytes(StandardCharsets.UTF_8));
    Topic<String, byte[]> raw = Topics.RAW_BSALE;
    driver.createInputTopic(raw.name(), raw.keySerde().serializer(), raw.valueSerde().serializer())
        .pipeInput(new TestRecord<>(TENANT, body, headers, Instant.parse("2025-03-01T12:00:00Z")));
  }

  private List<TestRecord<String, byte[]>> read(Topic<String, byte[]> topic) {
    return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer())
        .readRecordsToList();
  }

  private static String header(Headers headers, String name) {
    var header = headers.lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
