package lat.pipeline.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Headers that {@code dlq.normalizer} adds to the original record's bytes and headers: why it
 * failed, at which step, and where the original lies in its source topic. The normalizer and the
 * Bsale fetcher write dead letters with {@link #of}.
 */
public final class DeadLetterHeaders {
  public static final String STEP = "dlq.step";
  public static final String REASON = "dlq.reason";
  public static final String SOURCE_TOPIC = "dlq.source.topic";
  public static final String SOURCE_PARTITION = "dlq.source.partition";
  public static final String SOURCE_OFFSET = "dlq.source.offset";
  public static final String FAILED_AT = "dlq.failed.at";

  private static final int MAX_REASON_LENGTH = 1_000;

  private DeadLetterHeaders() {}

  /** The original headers (minus any earlier dead-letter headers) plus why and where it failed. */
  public static Headers of(
      Headers original, String step, String reason, String sourceTopic, int sourcePartition, long sourceOffset) {
    RecordHeaders headers = new RecordHeaders();
    for (Header header : original) {
      if (!header.key().startsWith("dlq.")) {
        headers.add(header.key(), header.value());
      }
    }
    add(headers, STEP, step);
    add(headers, REASON, truncate(reason));
    add(headers, SOURCE_TOPIC, sourceTopic);
    add(headers, SOURCE_PARTITION, Integer.toString(sourcePartition));
    add(headers, SOURCE_OFFSET, Long.toString(sourceOffset));
    add(headers, FAILED_AT, Instant.now().toString());
    return headers;
  }

  private static String truncate(String reason) {
    return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH) + "…";
  }

  private static void add(RecordHeaders headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
