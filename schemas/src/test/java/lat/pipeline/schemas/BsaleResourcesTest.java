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

  // Fails on main before this change: the answer went through double, so the envelope said
  // 2500.0 where Bsale said 2500.00, and a long decimal lost its digits.
  @Test
  void anAnswersNumbersKeepTheirExactDigitsThroughTheEnvelope() throws Exception {
    String answer = "{\"totalAmount\":2500.00,\"rate\":0.1000000000000000055511151231257827,\"tiny\":0.0000001,\"count\":3}";
    BsaleResources.Envelope envelope = BsaleResources.Envelope.of(JSON.readTree("{\"topic\":\"document\"}"),
        "/v1/documents/9.json", 200, Instant.parse("2026-12-01T10:00:01Z"),
        BsaleResources.answer(answer.getBytes(StandardCharsets.UTF_8)), null, List.of("post"), null);

    String written = new String(BsaleResources.encode(envelope), StandardCharsets.UTF_8);

    assertThat(written).contains("\"body\":" + answer);
    assertThat(BsaleResources.decode(BsaleResources.encode(envelope)).body().path("totalAmount").decimalValue())
        .isEqualByComparingTo("2500.00").hasToString("2500.00");
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
