package lat.pipeline.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import lat.pipeline.schemas.CanonicalClasses;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Metadata;
import lat.pipeline.schemas.canonical.Money;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

  @Test
  void decimalsStayExactTimesAreRfc3339AndUnionsAreTheirValue() throws Exception {
    CanonicalClasses.trust();
    Money price = Money.newBuilder().setAmount(new BigDecimal("1190.1000")).setCurrency(null).build();
    Metadata metadata = Metadata.newBuilder().setEventId("e").setProvider("alegra").setTenant("acme")
        .setSourceEventType("new-client").setAction(Action.CREATED).setOccurredAt(null)
        .setReceivedAt(Instant.parse("2026-12-01T10:00:00.123Z")).setReceiveId("r")
        .setRawTopic("raw.alegra").setRawPartition(1).setRawOffset(42L)
        .setFetchedAt(Instant.parse("2026-12-01T10:00:01Z")).build();

    assertThat(RecordJson.JSON.writeValueAsString(AvroJson.toJson(price)))
        .isEqualTo("{\"amount\":1190.1000,\"currency\":null}");
    assertThat(RecordJson.JSON.writeValueAsString(AvroJson.toJson(metadata))).isEqualTo(
        "{\"eventId\":\"e\",\"provider\":\"alegra\",\"tenant\":\"acme\",\"sourceEventType\":\"new-client\","
            + "\"action\":\"CREATED\",\"occurredAt\":null,\"receivedAt\":\"2026-12-01T10:00:00.123Z\",\"receiveId\":\"r\","
            + "\"rawTopic\":\"raw.alegra\",\"rawPartition\":1,\"rawOffset\":42,\"completeness\":\"UNKNOWN\","
            + "\"mappingVersion\":1,\"fetchedAt\":\"2026-12-01T10:00:01Z\"}");
  }
}
