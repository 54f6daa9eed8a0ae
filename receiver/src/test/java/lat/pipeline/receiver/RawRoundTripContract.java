package lat.pipeline.receiver;

import static lat.pipeline.receiver.ReceiverHarness.TENANT;
import static lat.pipeline.receiver.ReceiverHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What the receiver must do against any real broker; subclasses say which broker. */
abstract class RawRoundTripContract {

  abstract ReceiverHarness receiver();

  @Test
  void everyFixtureComesBackFromItsRawTopicByteForByteWithTheContractHeaders() throws Exception {
    Map<String, Path> sentById = new LinkedHashMap<>();
    Map<String, String> providerById = new LinkedHashMap<>();
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    for (String provider : new String[] {"obuma", "alegra", "bsale", "ninox"}) {
      for (Path fixture : Fixtures.of(provider)) {
        // OBUMA set-ups use one URL per event: the fixture's name is its event key.
        String path = "/webhooks/" + provider + "/" + TENANT
            + (provider.equals("obuma") ? "/" + Fixtures.name(fixture) : "") + "?token=" + TOKEN;
        HttpResponse<String> answer = receiver().post(path, Files.readAllBytes(fixture));
        assertThat(answer.statusCode()).as(fixture.toString()).isEqualTo(200);
        sentById.put(ReceiverHarness.idOf(answer), fixture);
        providerById.put(ReceiverHarness.idOf(answer), provider);
      }
    }
    assertThat(sentById).hasSizeGreaterThanOrEqualTo(20);

    Map<String, Map<String, ConsumerRecord<String, byte[]>>> storedByProvider = new LinkedHashMap<>();
    for (var sent : sentById.entrySet()) {
      String provider = providerById.get(sent.getKey());
      ConsumerRecord<String, byte[]> record = storedByProvider
          .computeIfAbsent(provider, p -> receiver().readAll(Topics.rawFor(p).orElseThrow()))
          .get(sent.getKey());
      assertThat(record).as("record with ce_id " + sent.getKey()).isNotNull();
      assertThat(record.value()).isEqualTo(Files.readAllBytes(sent.getValue()));
      assertThat(record.key()).isEqualTo(TENANT);
      assertThat(ReceiverHarness.header(record, "ce_specversion")).isEqualTo("1.0");
      assertThat(ReceiverHarness.header(record, "ce_id")).isEqualTo(sent.getKey());
      assertThat(ReceiverHarness.header(record, "ce_source")).isEqualTo("/webhooks/" + provider + "/" + TENANT);
      assertThat(ReceiverHarness.header(record, "ce_type")).isEqualTo(
          provider.equals("obuma") ? Fixtures.name(sent.getValue()) : provider + ".webhook");
      assertThat(Instant.parse(ReceiverHarness.header(record, "ce_time"))).isBetween(before, Instant.now());
      assertThat(ReceiverHarness.header(record, "content-type")).isEqualTo("application/json");
      assertThat(ReceiverHarness.header(record, "tenant")).isEqualTo(TENANT);
      assertThat(ReceiverHarness.header(record, "spooled")).isEqualTo("false");
    }
  }
}
