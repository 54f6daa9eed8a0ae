package lat.pipeline.normalizer.dlq;

import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/** Builds the headers of a {@code dlq.normalizer} record; the value is always the original bytes. */
public final class DeadLetters {

  private DeadLetters() {}

  /** The original headers (minus any earlier dead-letter headers) plus why and where it failed. */
  public static Headers headers(
      Headers original, String step, String reason, String sourceTopic, int sourcePartition, long sourceOffset) {
    return DeadLetterHeaders.of(original, step, reason, sourceTopic, sourcePartition, sourceOffset);
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
}
