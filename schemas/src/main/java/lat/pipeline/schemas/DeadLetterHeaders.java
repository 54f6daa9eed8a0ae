package lat.pipeline.schemas;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The records of {@code dlq.normalizer}: the original record's key, bytes and headers, plus headers
 * that say why it failed, at which step, and where the original lies in its source topic. The
 * normalizer and the Bsale fetcher write them with {@link #of}; re-drive, the tools and the console
 * read them with {@link #read}.
 */
public final class DeadLetterHeaders {
  public static final String STEP = "dlq.step";
  public static final String REASON = "dlq.reason";
  public static final String SOURCE_TOPIC = "dlq.source.topic";
  public static final String SOURCE_PARTITION = "dlq.source.partition";
  public static final String SOURCE_OFFSET = "dlq.source.offset";
  public static final String FAILED_AT = "dlq.failed.at";

  private static final String PREFIX = "dlq.";
  private static final int MAX_REASON_LENGTH = 1_000;

  private DeadLetterHeaders() {}

  /**
   * What a dead letter says about itself.
   *
   * @param sourceTopic null, and partition and offset -1, when the record does not say where it came from
   * @param failedAt null when the record does not say
   */
  public record DeadLetter(String step, String reason, String sourceTopic, int sourcePartition, long sourceOffset,
      Instant failedAt) {

    /** {@code topic/partition/offset} of the original, as canonical records' metadata name their raw record. */
    public String source() {
      return sourceTopic + "/" + sourcePartition + "/" + sourceOffset;
    }
  }

  /** The original headers (minus any earlier dead-letter headers) plus why and where it failed. */
  public static Headers of(
      Headers original, String step, String reason, String sourceTopic, int sourcePartition, long sourceOffset) {
    RecordHeaders headers = new RecordHeaders();
    for (Header header : original) {
      if (!header.key().startsWith(PREFIX)) {
        headers.add(header.key(), header.value());
      }
    }
    TextHeaders.add(headers, STEP, step);
    TextHeaders.add(headers, REASON, truncate(reason));
    TextHeaders.add(headers, SOURCE_TOPIC, sourceTopic);
    TextHeaders.add(headers, SOURCE_PARTITION, Integer.toString(sourcePartition));
    TextHeaders.add(headers, SOURCE_OFFSET, Long.toString(sourceOffset));
    TextHeaders.add(headers, FAILED_AT, Instant.now().toString());
    return headers;
  }

  /** The dead letter of a record's headers, or empty when they carry no {@link #STEP}: not a dead letter. */
  public static Optional<DeadLetter> read(Headers headers) {
    String step = TextHeaders.get(headers, STEP);
    if (step == null) {
      return Optional.empty();
    }
    return Optional.of(new DeadLetter(step, TextHeaders.get(headers, REASON), TextHeaders.get(headers, SOURCE_TOPIC),
        (int) number(headers, SOURCE_PARTITION), number(headers, SOURCE_OFFSET), failedAt(headers)));
  }

  private static long number(Headers headers, String name) {
    try {
      String text = TextHeaders.get(headers, name);
      return text == null ? -1 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Instant failedAt(Headers headers) {
    try {
      String text = TextHeaders.get(headers, FAILED_AT);
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String truncate(String reason) {
    return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH) + "…";
  }
}
