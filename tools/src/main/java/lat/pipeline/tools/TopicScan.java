package lat.pipeline.tools;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import lat.pipeline.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads chosen partitions between offsets, record by record, with no consumer group (nothing is
 * committed, nobody's offsets move). Only committed records are read, as any consumer of the
 * normalizer's transactional output reads them; end offsets are then the last stable offsets.
 * Used by one thread, except {@link #wakeup()}.
 */
public final class TopicScan implements AutoCloseable {

  /** What a read does with each record, and after each poll (e.g. flush what it printed). */
  public interface Handler {
    void accept(ConsumerRecord<String, byte[]> record);

    /** @return false to stop reading */
    default boolean afterPoll() {
      return true;
    }
  }

  private final KafkaConsumer<String, byte[]> consumer;

  public TopicScan(KafkaClients kafka) {
    consumer = kafka.bytesConsumer(Map.of(
        ConsumerConfig.CLIENT_ID_CONFIG, "pipeline-tools-" + UUID.randomUUID(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
        // An unreachable broker is said within seconds, not after the default minute.
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
  }

  /** The topic's partitions; empty when there is no such topic. */
  public List<TopicPartition> partitions(String topic) {
    return consumer.partitionsFor(topic).stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
  }

  public Map<TopicPartition, Long> beginning(Collection<TopicPartition> partitions) {
    return consumer.beginningOffsets(partitions);
  }

  public Map<TopicPartition, Long> end(Collection<TopicPartition> partitions) {
    return consumer.endOffsets(partitions);
  }

  /** Per partition, the first offset whose timestamp is at or after {@code time}, else the end. */
  public Map<TopicPartition, Long> at(Collection<TopicPartition> partitions, Instant time) {
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(p -> query.put(p, time.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
    Map<TopicPartition, Long> ends = end(partitions);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    partitions.forEach(p -> offsets.put(p, found.get(p) == null ? ends.get(p) : found.get(p).offset()));
    return offsets;
  }

  /**
   * Reads each partition from its start offset up to its stop offset (exclusive), then returns; with
   * {@code stop} null it follows the partitions until {@link #wakeup()} or the handler says stop.
   *
   * @return the records read
   */
  public long read(Map<TopicPartition, Long> start, Map<TopicPartition, Long> stop, Handler handler) {
    consumer.assign(start.keySet());
    start.forEach(consumer::seek);
    Map<TopicPartition, Long> remaining = new HashMap<>();
    if (stop != null) {
      start.forEach((p, offset) -> {
        if (offset < stop.get(p)) {
          remaining.put(p, stop.get(p));
        }
      });
    }
    long read = 0;
    try {
      while (stop == null || !remaining.isEmpty()) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          Long until = stop == null ? null : remaining.get(new TopicPartition(record.topic(), record.partition()));
          if (stop == null || until != null && record.offset() < until) {
            read++;
            handler.accept(record);
          }
        }
        if (!handler.afterPoll()) {
          break;
        }
        // Transaction markers and aborted records leave gaps: the position, not the last offset, says where a partition is.
        List<TopicPartition> done = remaining.keySet().stream().filter(p -> consumer.position(p) >= remaining.get(p)).toList();
        done.forEach(remaining::remove);
        consumer.pause(done);
      }
    } catch (WakeupException stopped) {
      // wakeup(): a follow was stopped (Ctrl-C)
    }
    consumer.unsubscribe();
    return read;
  }

  /** Ends a {@link #read} in progress from another thread. */
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
