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
 * Makes accepted webhooks durable: an idempotent producer with {@code acks=all} first; when the
 * broker does not acknowledge within the timeout, the local spool (fsync'd) instead. While the
 * spool holds records, new ones queue behind them there, so that the drainer keeps their order. The
 * future fails only when neither could keep the record: the caller then answers 503.
 */
public final class RawEventPublisher implements AutoCloseable {

  /** Where an accepted webhook was made durable. */
  public enum Durability { ACKNOWLEDGED, SPOOLED }

  private final Producer<String, byte[]> producer;
  private final Spool spool;
  private final Duration ackTimeout;

  public RawEventPublisher(Producer<String, byte[]> producer, Spool spool, Duration ackTimeout) {
    this.producer = producer;
    this.spool = spool;
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
            // Raw topics are kept forever: compressed batches keep them small on disk.
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

  /** Completes once the record is acknowledged by the broker or on disk in the spool. */
  public CompletableFuture<Durability> publish(IncomingWebhook webhook) {
    if (spool.hasBacklog()) {
      return spool(webhook);
    }
    return acknowledged(webhook).handle((metadata, error) -> error == null
            ? CompletableFuture.completedFuture(Durability.ACKNOWLEDGED)
            : spool(webhook))
        .thenCompose(durability -> durability);
  }

  private CompletableFuture<Durability> spool(IncomingWebhook webhook) {
    return spool.append(webhook.toRecord(true)).thenApply(written -> Durability.SPOOLED);
  }

  private CompletableFuture<RecordMetadata> acknowledged(IncomingWebhook webhook) {
    CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
    try {
      producer.send(
          webhook.toRecord(false),
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

  /**
   * Waits briefly for records in flight. Every webhook answered 200 is acknowledged or in the spool
   * already, so a broker that does not answer cannot hold the shutdown for long.
   */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
