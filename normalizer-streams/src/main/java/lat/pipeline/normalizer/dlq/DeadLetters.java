package lat.pipeline.normalizer.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Builds the headers of a {@code dlq.normalizer} record; the value is always the original bytes. */
public final class DeadLetters {

  private static final int MAX_REASON_LENGTH = 1_000;

  private DeadLetters() {}

  /** The original headers (minus any earlier dead-letter headers) plus why and where it failed. */
  public static Headers headers(
      Headers original, String step, String reason, String sourceTopic, int sourcePartition, long sourceOffset) {
    RecordHeaders headers = new RecordHeaders();
    for (Header header : original) {
      if (!header.key().startsWith("dlq.")) {
        headers.add(header.key(), header.value());
      }
    }
    add(headers, DeadLetterHeaders.STEP, step);
    add(headers, DeadLetterHeaders.REASON, truncate(reason));
    add(headers, DeadLetterHeaders.SOURCE_TOPIC, sourceTopic);
    add(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(sourcePartition));
    add(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(sourceOffset));
    add(headers, DeadLetterHeaders.FAILED_AT, Instant.now().toString());
    return headers;
  }

  /** A dead letter for an error that Kafka Streams reports to an exception handler. */
  public static ProducerRecord<byte[], byte[]> record(
      byte[] originalKey, byte[] originalValue, Headers headers) {
    return new ProducerRecord<>(Topics.DLQ_NORMALIZER.name(), null, originalKey, originalValue, headers);
  }

  public static String describe(Exception exception) {
    String message = exception.getMessage();
    return exception.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String truncate(String reason) {
    return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH) + "…";
  }

  private static void add(RecordHeaders headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
