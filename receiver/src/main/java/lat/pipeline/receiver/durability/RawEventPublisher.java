package lat.pipeline.receiver.durability;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Hands accepted webhooks to an idempotent producer with {@code acks=all} and answers when the
 * broker has acknowledged them, or fails once the acknowledgement timeout passes: the caller then
 * answers 503 rather than hang or claim a durability it does not have.
 */
public final class RawEventPublisher implements AutoCloseable {

  private final Producer<String, byte[]> producer;
  private final Duration ackTimeout;

  public RawEventPublisher(Producer<String, byte[]> producer, Duration ackTimeout) {
    this.producer = producer;
    this.ackTimeout = ackTimeout;
  }

  public static Producer<String, byte[]> createProducer(String bootstrapServers, Duration ackTimeout) {
    Map<String, Object> config =
        Map.ofEntries(
            Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
            Map.entry(ProducerConfig.CLIENT_ID_CONFIG, "receiver"),
            Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
            Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
            Map.entry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5),
            // A short linger batches concurrent requests without hurting the answer's latency.
            Map.entry(ProducerConfig.LINGER_MS_CONFIG, 1),
            Map.entry(ProducerConfig.BATCH_SIZE_CONFIG, 131_072),
            Map.entry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
            // send() must never hold a request thread longer than the answer may take.
            Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackTimeout.toMillis()),
            Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class),
            Map.entry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    return new KafkaProducer<>(config);
  }

  public Producer<String, byte[]> producer() {
    return producer;
  }

  /** Completes when the broker acknowledged the record; fails after the acknowledgement timeout. */
  public CompletableFuture<RecordMetadata> publish(IncomingWebhook webhook) {
    CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
    try {
      producer.send(
          webhook.toRecord(),
          (metadata, error) -> {
            if (error != null) {
              acknowledged.completeExceptionally(error);
            } else {
              acknowledged.complete(metadata);
            }
          });
    } catch (RuntimeException notQueued) {
      acknowledged.completeExceptionally(notQueued);
    }
    return acknowledged.orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
