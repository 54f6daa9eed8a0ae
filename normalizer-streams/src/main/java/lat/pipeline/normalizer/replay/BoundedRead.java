package lat.pipeline.normalizer.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import lat.pipeline.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;

/**
 * Reads the records of one or more topics received from a time (or the beginning) up to a time (or
 * where each partition ended when the read started), then stops: a bounded read that never chases
 * new records. Only committed records are read, as any consumer of the normalizer's transactional
 * output would. Several topics are read by one consumer, in one pass: each partition in order,
 * partitions interleaved; {@link #split} shares the partitions out among several reads.
 */
final class BoundedRead {

  private final KafkaClients kafka;
  private final List<String> topics;
  private final Instant from;
  private final Instant to;
  /** This read takes the partitions whose number leaves remainder {@code share} divided by {@code shares}. */
  private final int share;
  private final int shares;

  private BoundedRead(KafkaClients kafka, List<String> topics, Instant from, Instant to, int share, int shares) {
    this.kafka = kafka;
    this.topics = topics;
    this.from = from;
    this.to = to;
    this.share = share;
    this.shares = shares;
  }

  /** {@code from} null: from the beginning; {@code to} null: up to the end at start. */
  static BoundedRead of(KafkaClients kafka, String topic, Instant from, Instant to) {
    return new BoundedRead(kafka, List.of(topic), from, to, 0, 1);
  }

  /** All of each topic, from the beginning up to the end at start. */
  static BoundedRead ofAll(KafkaClients kafka, List<String> topics) {
    return new BoundedRead(kafka, topics, null, null, 0, 1);
  }

  /**
   * This read as {@code reads} reads of the same window, each over its share of the partitions, to be
   * read at once: each partition is still read in order by one of them. More reads than partitions
   * leave some with nothing to read.
   */
  List<BoundedRead> split(int reads) {
    return IntStream.range(0, reads).mapToObj(i -> new BoundedRead(kafka, topics, from, to, i, reads)).toList();
  }

  void forEach(Consumer<ConsumerRecord<String, byte[]>> action) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.CLIENT_ID_CONFIG, "bounded-read-" + UUID.randomUUID(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    try (KafkaConsumer<String, byte[]> consumer = kafka.bytesConsumer(config)) {
      List<TopicPartition> partitions = topics.stream().flatMap(topic -> consumer.partitionsFor(topic).stream())
          .filter(info -> info.partition() % shares == share)
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      if (partitions.isEmpty()) {
        return;
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> start = offsetsAt(consumer, partitions, from, consumer.beginningOffsets(partitions));
      Map<TopicPartition, Long> endNow = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> end = to == null ? endNow : offsetsAt(consumer, partitions, to, endNow);
      start.forEach(consumer::seek);
      Map<TopicPartition, Long> remaining = new HashMap<>();
      partitions.forEach(p -> {
        if (start.get(p) < end.get(p)) {
          remaining.put(p, end.get(p));
        }
      });
      while (!remaining.isEmpty()) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          Long stop = remaining.get(partition);
          if (Thread.currentThread().isInterrupted()) {
            // A replay stopping its other workers after one failed: stop between records, not after the batch.
            throw new InterruptException("The bounded read of " + partitions + " was interrupted");
          }
          if (stop != null && record.offset() < stop) {
            action.accept(record);
          }
        }
        // Transaction markers and aborted records leave gaps: the position, not the last offset, says where we are.
        remaining.keySet().removeIf(p -> consumer.position(p) >= remaining.get(p));
      }
    }
  }

  private static Map<TopicPartition, Long> offsetsAt(
      KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, Instant time, Map<TopicPartition, Long> fallback) {
    if (time == null) {
      return fallback;
    }
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(p -> query.put(p, time.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    partitions.forEach(p -> offsets.put(p, found.get(p) == null ? ends.get(p) : found.get(p).offset()));
    return offsets;
  }
}
