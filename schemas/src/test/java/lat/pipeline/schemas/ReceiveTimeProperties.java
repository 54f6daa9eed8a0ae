package lat.pipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** {@code ce_time} reads as {@code Instant.parse} reads it, whichever way it is spelled. */
class ReceiveTimeProperties {

  private static final long TIMESTAMP = 1_764_583_200_123L;

  @Property(tries = 2_000)
  void theReceiversSpellingReadsBackAsTheSameInstant(@ForAll("instants") Instant received) throws UnreadableRecord {
    assertThat(receivedAt(DateTimeFormatter.ISO_INSTANT.format(received))).isEqualTo(received);
  }

  @Property(tries = 3_000)
  void anySpellingReadsAsInstantParseReadsItElseAsTheRecordTimestamp(@ForAll("spellings") String time)
      throws UnreadableRecord {
    assertThat(receivedAt(time)).isEqualTo(asInstantParseReadsIt(time));
  }

  @Example
  void spellingsBesideTheReceiversAreReadAsBefore() throws UnreadableRecord {
    for (String time : new String[] {"2026-02-29T10:00:00Z", "2028-02-29T10:00:00Z", "2026-04-31T00:00:00Z",
        "2026-12-01T23:59:60Z", "2026-12-01T10:00:00+01:00", "2026-12-01T10:00:00.Z", "2026-12-01t10:00:00Z",
        "2026-12-01T10:00:00.1234567891Z", "+12026-12-01T10:00:00Z", "2026-13-01T10:00:00Z", "2026-12-01T24:00:00Z",
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2026-12-01T10:0a:00Z", "2026-12-01T10:00:00,5Z"}) {
      assertThat(receivedAt(time)).as(time).isEqualTo(asInstantParseReadsIt(time));
    }
  }

  @Provide
  Arbitrary<Instant> instants() {
    Arbitrary<Long> seconds = Arbitraries.longs().between(
        Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(), Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
    Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999).map(n -> n * 1_000_000),
        Arbitraries.integers().between(0, 999_999).map(n -> n * 1_000), Arbitraries.integers().between(0, 999_999_999));
    return seconds.flatMap(second -> nanos.map(nano -> Instant.ofEpochSecond(second, nano)));
  }

  /** Instants as the receiver writes them, with one character replaced, dropped or added somewhere. */
  @Provide
  Arbitrary<String> spellings() {
    Arbitrary<Character> characters = Arbitraries.of('0', '1', '2', '5', '9', '-', ':', 'T', 'Z', '.', '+', ' ', 'a');
    return instants().map(DateTimeFormatter.ISO_INSTANT::format).flatMap(text ->
        Arbitraries.integers().between(0, text.length() - 1).flatMap(at -> characters.flatMap(c -> Arbitraries.of(
            text,
            text.substring(0, at) + c + text.substring(at + 1),
            text.substring(0, at) + text.substring(at + 1),
            text.substring(0, at) + c + text.substring(at)))));
  }

  private static Instant receivedAt(String time) throws UnreadableRecord {
    RecordHeaders headers = new RecordHeaders();
    TextHeaders.add(headers, CloudEventHeaders.TENANT, "acme");
    TextHeaders.add(headers, CloudEventHeaders.TIME, time);
    return RawRecords.read("alegra", headers, TIMESTAMP, new byte[0]).receivedAt();
  }

  private static Instant asInstantParseReadsIt(String time) {
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException notRfc3339) {
      return Instant.ofEpochMilli(TIMESTAMP);
    }
  }
}
