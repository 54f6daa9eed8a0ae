package lat.pipeline.fetcher;

import java.util.concurrent.CompletableFuture;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a fetch request that must not be fetched (it cannot be decoded, or its company is not
 * bound to its tenant) to the dead-letter topic: its bytes and headers as read, why, and where it
 * lies. Completes once the broker has acknowledged it.
 */
final class DeadLetterWriter {

  private final Producer<String, byte[]> producer;
  private final Topic<String, byte[]> deadLetters;
  private final FetcherMetrics metrics;

  DeadLetterWriter(Producer<String, byte[]> producer, Topic<String, byte[]> deadLetters, FetcherMetrics metrics) {
    this.producer = producer;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  CompletableFuture<Void> write(ConsumerRecord<String, byte[]> record, String step, String reason) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    producer.send(new ProducerRecord<>(deadLetters.name(), null, record.key(), record.value(),
        DeadLetterHeaders.of(record.headers(), step, reason, record.topic(), record.partition(), record.offset())),
        (metadata, exception) -> {
          if (exception != null) {
            written.completeExceptionally(exception);
          } else {
            metrics.deadLettered(step);
            written.complete(null);
          }
        });
    return written;
  }
}
