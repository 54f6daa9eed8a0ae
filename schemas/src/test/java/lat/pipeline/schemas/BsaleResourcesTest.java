package lat.pipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class BsaleResourcesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anEnvelopeReadsBackAsItWasWritten() throws Exception {
    BsaleResources.Envelope envelope = BsaleResources.Envelope.of(
        JSON.readTree("{\"cpnId\":2,\"topic\":\"document\",\"resourceId\":\"9\",\"action\":\"post\",\"send\":1503500856}"),
        "/v1/documents/9.json", 200, Instant.parse("2026-12-01T10:00:01Z"),
        BsaleResources.answer("{\"id\":9}".getBytes(StandardCharsets.UTF_8)),
        List.of(JSON.readTree("{\"id\":1}")), List.of("post", "put"), null);

    BsaleResources.Envelope read = BsaleResources.decode(BsaleResources.encode(envelope));

    assertThat(read).isEqualTo(envelope);
    assertThat(read.coalesced()).isEqualTo(1);
  }

  @Test
  void aFetchWithoutAnAnswerKeepsWhyAndNoDetails() throws Exception {
    BsaleResources.Envelope envelope = BsaleResources.Envelope.of(JSON.readTree("{\"topic\":\"stock\"}"),
        "/v1/stocks.json?variantid=1&officeid=1", 0, Instant.parse("2026-12-01T10:00:01Z"), BsaleResources.answer(null),
        null, List.of("put"), "timed out");

    BsaleResources.Envelope read = BsaleResources.decode(BsaleResources.encode(envelope));

    assertThat(read).isEqualTo(envelope);
    assertThat(read.body().isNull()).isTrue();
    assertThat(read.details()).isNull();
  }

  @Test
  void anAnswerThatIsNotJsonIsKeptAsText() {
    assertThat(BsaleResources.answer("<html>".getBytes(StandardCharsets.UTF_8)).asText()).isEqualTo("<html>");
  }

  @Test
  void theRecordCarriesTheRequestsHeadersItsDeliveryIdAndItsOwnContentType() throws Exception {
    RecordHeaders request = new RecordHeaders();
    TextHeaders.add(request, CloudEventHeaders.ID, "id-1");
    TextHeaders.add(request, CloudEventHeaders.CONTENT_TYPE, "text/plain");
    BsaleResources.putDeliveryId(request, "bsale:acme:2:stock");
    BsaleResources.Envelope envelope = BsaleResources.Envelope.of(JSON.readTree("{}"), "/v1", 404, null,
        BsaleResources.answer(null), null, List.of("post"), null);

    ProducerRecord<String, byte[]> record = BsaleResources.record(Topics.RAW_BSALE_RESOURCES, "acme", request, envelope);

    assertThat(record.key()).isEqualTo("acme");
    assertThat(RawRecords.idOf(record.headers())).isEqualTo("id-1");
    assertThat(BsaleResources.deliveryIdOf(record.headers())).isEqualTo("bsale:acme:2:stock");
    assertThat(record.headers().headers(CloudEventHeaders.CONTENT_TYPE)).hasSize(1);
    assertThat(TextHeaders.get(record.headers(), CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/json");
    assertThat(BsaleResources.decode(record.value())).isEqualTo(envelope);
  }

  @Test
  void whatIsNotAnEnvelopeIsUnreadableWithAReason() {
    assertThatThrownBy(() -> BsaleResources.decode("[]".getBytes(StandardCharsets.UTF_8))).hasMessage("not a JSON object");
    assertThatThrownBy(() -> BsaleResources.decode("{\"status\":200}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("no notification object");
    assertThatThrownBy(() -> BsaleResources.decode("{\"notification\":{},\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("status is not a number");
  }
}
