package lat.pipeline.console.data;

import lat.pipeline.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lat.pipeline.normalizer.replay.Redrive;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topics;
import lat.pipeline.tools.TopicScan;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;

/**
 * The dead letters still to deal with, a page at a time: {@code dlq.normalizer} from where
 * {@code ./pipeline redrive} last stopped (its consumer group's offsets: what it read it re-drove),
 * less those the console re-drove ({@link Resolutions}), filtered by provider, tenant, step or
 * words of the reason. A tenant filter reads only the tenant's partition (dead letters keep the raw
 * record's key, the tenant).
 */
public final class DeadLetters {

  public static final int PAGE_SIZE = 25;

  /** What the list shows of one dead letter. */
  public record Row(int partition, long offset, Instant time, String tenant, String provider, String source,
                    String step, String reason, String receiveId) {
    public Redrive.Selected place() {
      return new Redrive.Selected(partition, offset);
    }
  }

  /** Blank fields match everything; {@code reason} matches words anywhere in the reason, any case. */
  public record Filter(String provider, String tenant, String step, String reason) {
    boolean matches(Row row) {
      return blankOr(provider, row.provider()) && blankOr(tenant, row.tenant()) && blankOr(step, row.step())
          && (reason == null || reason.isBlank()
              || row.reason() != null && row.reason().toLowerCase(Locale.ROOT).contains(reason.strip().toLowerCase(Locale.ROOT)));
    }

    private static boolean blankOr(String wanted, String actual) {
      return wanted == null || wanted.isBlank() || wanted.strip().equals(actual);
    }
  }

  private final KafkaClients kafka;
  private final Admin admin;
  private final Resolutions resolutions;

  public DeadLetters(KafkaClients kafka, Admin admin, Resolutions resolutions) {
    this.kafka = kafka;
    this.admin = admin;
    this.resolutions = resolutions;
  }

  public Pages.Page<Row> page(Filter filter, String after) throws InterruptedException {
    try (TopicScan scan = new TopicScan(kafka)) {
      List<TopicPartition> partitions = scan.partitions(Topics.DLQ_NORMALIZER.name());
      if (filter.tenant() != null && !filter.tenant().isBlank() && !partitions.isEmpty()) {
        partitions = List.of(new TopicPartition(Topics.DLQ_NORMALIZER.name(), BuiltInPartitioner.partitionForKey(
            filter.tenant().strip().getBytes(StandardCharsets.UTF_8), partitions.size())));
      }
      Map<TopicPartition, Long> stop = scan.end(partitions);
      Map<TopicPartition, Long> start = notYetReDriven(scan, partitions);
      return Pages.read(scan, Pages.resume(after, start, stop), stop, PAGE_SIZE, record -> {
        Row row = row(record);
        return filter.matches(row) && resolutions.outcome(row.place()).isEmpty() ? row : null;
      });
    }
  }

  /** One dead letter, whole, or empty when there is none at that place. */
  public Optional<ConsumerRecord<String, byte[]>> one(Redrive.Selected place) {
    TopicPartition partition = new TopicPartition(Topics.DLQ_NORMALIZER.name(), place.partition());
    try (TopicScan scan = new TopicScan(kafka)) {
      if (scan.partitions(partition.topic()).stream().noneMatch(partition::equals)) {
        return Optional.empty();
      }
      ConsumerRecord<String, byte[]>[] found = new ConsumerRecord[1];
      scan.read(Map.of(partition, place.offset()), Map.of(partition, place.offset() + 1), record -> {
        if (record.offset() == place.offset()) {
          found[0] = record;
        }
      });
      return Optional.ofNullable(found[0]);
    }
  }

  public Optional<String> resolvedOutcome(Redrive.Selected place) {
    return resolutions.outcome(place);
  }

  private Map<TopicPartition, Long> notYetReDriven(TopicScan scan, List<TopicPartition> partitions) throws InterruptedException {
    Map<TopicPartition, Long> start = new HashMap<>(scan.beginning(partitions));
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed = admin.listConsumerGroupOffsets(Redrive.GROUP).partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Kafka did not say how far ./pipeline redrive got: " + e.getMessage(), e);
    }
    start.replaceAll((partition, beginning) -> {
      OffsetAndMetadata done = committed.get(partition);
      return done == null ? beginning : Math.max(beginning, done.offset());
    });
    return start;
  }

  public static Row row(ConsumerRecord<String, byte[]> record) {
    DeadLetterHeaders.DeadLetter letter = DeadLetterHeaders.read(record.headers())
        .orElse(new DeadLetterHeaders.DeadLetter(null, null, null, -1, -1, null));
    String tenant = record.key() != null ? record.key() : RawRecords.tenantOf(record.headers());
    return new Row(record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()), tenant,
        TrafficMonitor.providerOfSource(letter.sourceTopic()), letter.source(), letter.step(), letter.reason(),
        RawRecords.idOf(record.headers()));
  }
}
