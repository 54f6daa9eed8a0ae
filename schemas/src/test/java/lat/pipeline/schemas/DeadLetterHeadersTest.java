package lat.pipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {

  @Test
  void aDeadLetterReadsBackWhyAndWhereItFailedAndKeepsTheOriginalHeaders() {
    RecordHeaders original = new RecordHeaders();
    TextHeaders.add(original, CloudEventHeaders.ID, "id-1");
    TextHeaders.add(original, DeadLetterHeaders.STEP, "an earlier failure");
    Instant before = Instant.now();

    Headers headers = DeadLetterHeaders.of(original, "map", "no id", "raw.alegra", 3, 42);
    DeadLetterHeaders.DeadLetter letter = DeadLetterHeaders.read(headers).orElseThrow();

    assertThat(letter.step()).isEqualTo("map");
    assertThat(letter.reason()).isEqualTo("no id");
    assertThat(letter.source()).isEqualTo("raw.alegra/3/42");
    assertThat(letter.failedAt()).isBetween(before, Instant.now());
    assertThat(headers.headers(DeadLetterHeaders.STEP)).hasSize(1);
    assertThat(RawRecords.idOf(headers)).isEqualTo("id-1");
  }

  @Test
  void aLongReasonIsCutAndARecordWithoutAStepIsNoDeadLetter() {
    Headers headers = DeadLetterHeaders.of(new RecordHeaders(), "parse", "x".repeat(5_000), "raw.ninox", 0, 0);

    assertThat(DeadLetterHeaders.read(headers).orElseThrow().reason()).hasSize(1_001).endsWith("…");
    assertThat(DeadLetterHeaders.read(new RecordHeaders())).isEmpty();
  }
}
