package lat.pipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RawRecordsTest {

  private static final Instant RECEIVED = Instant.parse("2026-12-01T10:00:00.123Z");

  @Test
  void aWebhookReadsBackAsItWasWrittenKeyedByTenantAtItsReceiveTime() throws UnreadableRecord {
    RawRecords.Raw raw = new RawRecords.Raw("01a2128a-ac68-7d5d-afa3-e9e8b2c53986", "alegra", "acme", "new-client",
        RECEIVED, "application/json", true, Map.of(CloudEventHeaders.TRACEPARENT, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        "{\"id\":1}".getBytes(StandardCharsets.UTF_8));

    ProducerRecord<String, byte[]> record = RawRecords.record(Topics.RAW_ALEGRA, raw);
    RawRecords.Raw read = RawRecords.read("alegra", record.headers(), record.timestamp(), record.value());

    assertThat(record.topic()).isEqualTo("raw.alegra");
    assertThat(record.key()).isEqualTo("acme");
    assertThat(record.timestamp()).isEqualTo(RECEIVED.toEpochMilli());
    assertThat(TextHeaders.get(record.headers(), CloudEventHeaders.SOURCE)).isEqualTo("/webhooks/alegra/acme");
    assertThat(TextHeaders.get(record.headers(), CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
    assertThat(read).usingRecursiveComparison().isEqualTo(raw);
    assertThat(RawRecords.idOf(record.headers())).isEqualTo(raw.id());
    assertThat(RawRecords.tenantOf(record.headers())).isEqualTo("acme");
  }

  @Test
  void whatAWriterLeftOutHasItsDocumentedDefault() throws UnreadableRecord {
    RecordHeaders headers = new RecordHeaders();
    TextHeaders.add(headers, CloudEventHeaders.TENANT, "acme");
    TextHeaders.add(headers, CloudEventHeaders.TIME, "yesterday");

    RawRecords.Raw read = RawRecords.read("ninox", headers, RECEIVED.toEpochMilli(), null);

    assertThat(read.type()).isEqualTo("ninox.webhook");
    assertThat(read.receivedAt()).isEqualTo(RECEIVED);
    assertThat(read.body()).isEmpty();
    assertThat(read.id()).isNull();
    assertThat(read.spooled()).isFalse();
    assertThat(read.traceContext()).isEmpty();
  }

  @Test
  void aRecordWithoutATenantIsUnreadable() {
    assertThatThrownBy(() -> RawRecords.read("obuma", new RecordHeaders(), 0, new byte[0]))
        .isInstanceOf(UnreadableRecord.class).hasMessage("The record has no tenant header");
  }
}
