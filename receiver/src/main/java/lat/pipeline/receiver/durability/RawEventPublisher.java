package lat.pipeline.receiver.durability;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.receiver.durability.BrokerRefusal.RefusedForGood;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Makes accepted webhooks durable: an idempotent producer with {@code acks=all} first; when the
 * broker does not acknowledge within the timeout, the local spool (fsync'd) instead. While the
 * spool holds records, new ones queue behind them there, so that the drainer keeps their order.
 *
 * <p>A tenant's records are decided one at a time: whether one goes direct or to the spool is
 * settled only once the tenant's previous send was queued by the producer or, having failed at once
 * (buffer full, no metadata), is in the spool's count. So a later record of the tenant can never
 * reach Kafka directly ahead of an earlier one that failed. The future fails when neither could keep
 * the record (503), or with {@link RefusedForGood} when the broker will never take it (500): such a
 * record never enters the spool, where it would only wait in front of the others.
 */
public final class RawEventPublisher implements AutoCloseable {

  /** Where an accepted webhook was made durable. */
  public enum Durability { ACKNOWLEDGED, SPOOLED }

  private static final int ORDER_STRIPES = 256;
  private static final long MIN_BUFFER_MEMORY = 32L << 20;

  private final Producer<String, byte[]> producer;
  private final Spool spool;
  private final Duration ackTimeout;
  private final ReentrantLock[] tenantOrder = new ReentrantLock[ORDER_STRIPES];

  public RawEventPublisher(Producer<String, byte[]> producer, Spool spool, Duration ackTimeout) {
    this.producer = producer;
    this.spool = spool;
    this.ackTimeout = ackTimeout;
    for (int i = 0; i < ORDER_STRIPES; i++) {
      tenantOrder[i] = new ReentrantLock();
    }
  }

  /** A producer whose requests fit the largest raw record ({@code TopicSettings.rawRecordBytes}). */
  public static Producer<String, byte[]> createProducer(KafkaClients kafka, Duration ackTimeout, int maxRecordBytes) {
    Map<String, Object> config =
        Map.ofEntries(
            Map.entry(ProducerConfig.CLIENT_ID_CONFIG, "receiver"),
            Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
            Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
            Map.entry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5),
            // A short linger batches concurrent requests without hurting the answer's latency.
            Map.entry(ProducerConfig.LINGER_MS_CONFIG, 1),
            Map.entry(ProducerConfig.BATCH_SIZE_CONFIG, 131_072),
            Map.entry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes),
            Map.entry(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(MIN_BUFFER_MEMORY, 2L * maxRecordBytes)),
            // Raw topics are kept forever: compressed batches keep them small on disk.
            Map.entry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
            // send() must never hold a request thread longer than the answer may take.
            Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackTimeout.toMillis()));
    return kafka.producer(Topics.RAW, config);
  }

  public Producer<String, byte[]> producer() {
    return producer;
  }

  /** Completes once the record is acknowledged by the broker or on disk in the spool. */
  public CompletableFuture<Durability> publish(IncomingWebhook webhook) {
    ReentrantLock order = tenantOrder[Math.floorMod(webhook.tenant().hashCode(), ORDER_STRIPES)];
    try {
      if (!order.tryLock(ackTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return CompletableFuture.failedFuture(
            new TimeoutException("An earlier request of the tenant is still being handed to the broker"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(e);
    }
    try {
      if (spool.hasBacklog()) {
        return spool(webhook);
      }
      CompletableFuture<RecordMetadata> acknowledged = send(webhook);
      if (acknowledged.isCompletedExceptionally()) {
        // Failed at once: settled (spooled or refused) before the tenant's next record is decided.
        return acknowledged.handle((ignored, error) -> otherwise(webhook, error)).join();
      }
      return acknowledged.orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .handle((metadata, error) -> error == null
              ? CompletableFuture.completedFuture(Durability.ACKNOWLEDGED)
              : otherwise(webhook, error))
          .thenCompose(durability -> durability);
    } finally {
      order.unlock();
    }
  }

  private CompletableFuture<Durability> otherwise(IncomingWebhook webhook, Throwable error) {
    if (BrokerRefusal.isForGood(error)) {
      return CompletableFuture.failedFuture(new RefusedForGood(error));
    }
    return spool(webhook);
  }

  private CompletableFuture<Durability> spool(IncomingWebhook webhook) {
    return spool.append(webhook.toRecord(true)).thenApply(written -> Durability.SPOOLED);
  }

  private CompletableFuture<RecordMetadata> send(IncomingWebhook webhook) {
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
    return acknowledged;
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
