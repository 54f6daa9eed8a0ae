package lat.pipeline.normalizer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.topology.NormalizationPath;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./pipeline redrive}: sends the records of {@code dlq.normalizer} back through the
 * topology's own path ({@link NormalizationPath}: the same mappers, dedupe and order guard), starting
 * from the latest record emitted for each entity, so a record dead-lettered while the registry was
 * down never overwrites a newer version of its entity; what still fails is dead-lettered again with
 * its new reason. Dead letters keep their raw key (the tenant), so an entity's stay in order on one
 * partition, and are written by one idempotent producer in that order. Its consumer group remembers
 * how far it got, committed only once every write succeeded, so a second run takes only newer dead
 * letters; {@code --since} starts at a time instead. Bounded: it stops where the dead-letter topic
 * ended when it started.
 *
 * <p>{@link #redrive(Collection)} re-drives chosen dead letters only (the console's re-drive), by
 * their place in {@code dlq.normalizer}, through the same path, state and checked writer, in
 * partition and offset order; it commits nothing, so the command's progress is not moved.
 */
public final class Redrive {

  /** The command's consumer group: its committed offsets say how far {@code ./pipeline redrive} got. */
  public static final String GROUP = "normalizer-redrive";

  /** A dead letter's place in {@code dlq.normalizer}. */
  public record Selected(int partition, long offset) {}

  private final KafkaClients kafka;
  private final Duration dedupeRetention;
  private final Map<String, NormalizationPath> pathsByRawTopic = new HashMap<>();
  private final Consumer<String> progress;

  public Redrive(KafkaClients kafka, Duration dedupeRetention, List<ProviderMapper> mappers, Consumer<String> progress) {
    this.kafka = kafka;
    this.dedupeRetention = dedupeRetention;
    mappers.forEach(mapper -> pathsByRawTopic.put(mapper.rawTopic().name(), new NormalizationPath(mapper)));
    this.progress = progress;
  }

  public Replay.Summary run(Instant since) {
    Replay.Counts counts = new Replay.Counts();
    try (KafkaConsumer<String, byte[]> consumer = kafka.consumer(Topics.DLQ_NORMALIZER, consumerConfig());
         LocalState state = new LocalState(dedupeRetention).loadCanonical(kafka, "");
         CanonicalWriter writer = new CanonicalWriter(kafka)) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.DLQ_NORMALIZER.name()).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      seekStart(consumer, partitions, since);
      Map<TopicPartition, Long> remaining = new HashMap<>();
      partitions.forEach(p -> {
        if (consumer.position(p) < end.get(p)) {
          remaining.put(p, end.get(p));
        }
      });
      while (!remaining.isEmpty()) {
        for (ConsumerRecord<String, byte[]> deadLetter : consumer.poll(Duration.ofMillis(500))) {
          Long stop = remaining.get(new TopicPartition(deadLetter.topic(), deadLetter.partition()));
          if (stop != null && deadLetter.offset() < stop) {
            counts.read();
            redriveOne(deadLetter, state, writer, counts);
            counts.report(progress);
          }
        }
        remaining.keySet().removeIf(p -> consumer.position(p) >= remaining.get(p));
      }
      writer.flush();
      Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
      partitions.forEach(p -> done.put(p, new OffsetAndMetadata(Math.min(consumer.position(p), end.get(p)))));
      consumer.commitSync(done);
    }
    return counts.summary();
  }

  /**
   * Re-drives the chosen dead letters; what still fails is dead-lettered again with its new reason.
   *
   * @return for each one, in partition and offset order, what it gave; {@code read} 0 when no dead
   *     letter is at that place (beyond the end, deleted by retention)
   * @throws IllegalStateException when a write failed: then nothing can be taken as re-driven
   */
  public Map<Selected, Replay.Summary> redrive(Collection<Selected> selected) {
    List<Selected> ordered = selected.stream().distinct()
        .sorted(Comparator.comparingInt(Selected::partition).thenComparingLong(Selected::offset)).toList();
    Map<Selected, Replay.Summary> outcomes = new LinkedHashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = kafka.consumer(Topics.DLQ_NORMALIZER, consumerConfig());
         LocalState state = new LocalState(dedupeRetention).loadCanonical(kafka, "");
         CanonicalWriter writer = new CanonicalWriter(kafka)) {
      for (Selected one : ordered) {
        Replay.Counts counts = new Replay.Counts();
        ConsumerRecord<String, byte[]> deadLetter = readAt(consumer, new TopicPartition(Topics.DLQ_NORMALIZER.name(), one.partition()), one.offset());
        if (deadLetter != null) {
          counts.read();
          redriveOne(deadLetter, state, writer, counts);
        }
        outcomes.put(one, counts.summary());
      }
      writer.flush();
    }
    return outcomes;
  }

  /** The record at that offset, or null when there is none (the end, retention, a transaction marker). */
  private static ConsumerRecord<String, byte[]> readAt(KafkaConsumer<String, byte[]> consumer, TopicPartition partition, long offset) {
    consumer.assign(List.of(partition));
    long end = consumer.endOffsets(List.of(partition)).get(partition);
    if (offset < consumer.beginningOffsets(List.of(partition)).get(partition) || offset >= end) {
      return null;
    }
    consumer.seek(partition, offset);
    while (consumer.position(partition) < end) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
        if (record.offset() >= offset) {
          return record.offset() == offset ? record : null;
        }
      }
    }
    return null;
  }

  private void redriveOne(ConsumerRecord<String, byte[]> deadLetter, LocalState state, CanonicalWriter writer, Replay.Counts counts) {
    DeadLetterHeaders.DeadLetter letter = DeadLetterHeaders.read(deadLetter.headers())
        .orElse(new DeadLetterHeaders.DeadLetter(null, null, null, -1, -1, null));
    String sourceTopic = letter.sourceTopic();
    NormalizationPath.RawRecord raw = new NormalizationPath.RawRecord(sourceTopic, letter.sourcePartition(),
        letter.sourceOffset(), deadLetter.timestamp(), deadLetter.headers(), deadLetter.value());
    CanonicalWriter.Source source = new CanonicalWriter.Source(
        deadLetter.key() == null ? null : deadLetter.key().getBytes(StandardCharsets.UTF_8), raw);
    NormalizationPath path = sourceTopic == null ? null : pathsByRawTopic.get(sourceTopic);
    if (path == null) {
      writer.deadLetter(source, "redrive", "No mapper reads " + sourceTopic + "; re-drive does not apply");
      counts.deadLettered();
      return;
    }
    writer.write(path.normalize(raw, state), source, counts);
  }

  private void seekStart(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions, Instant since) {
    if (since == null) {
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(partitions));
      Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
      partitions.forEach(p -> consumer.seek(p, committed.get(p) == null ? beginning.get(p) : committed.get(p).offset()));
      return;
    }
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(p -> query.put(p, since.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    partitions.forEach(p -> consumer.seek(p, found.get(p) == null ? ends.get(p) : found.get(p).offset()));
  }

  private Map<String, Object> consumerConfig() {
    return Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, GROUP,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
  }
}
