package lat.pipeline.fetcher;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: per partition, everything below the lowest record not yet done
 * (written to {@code raw.bsale.resources}). A parked or in-flight record holds the commit back, so a
 * restart reads it again; records after it that were done are read again too, and their answers
 * written twice, which the normalizer's deduplication absorbs. Used by the fetch loop's thread only.
 */
final class OffsetTracker {

  private static final class Partition {
    final TreeSet<Long> pending = new TreeSet<>();
    long next = -1; // one past the highest offset taken in
    long committed = -1;
  }

  private final Map<TopicPartition, Partition> partitions = new HashMap<>();

  void taken(TopicPartition tp, long offset) {
    Partition partition = partitions.computeIfAbsent(tp, key -> new Partition());
    partition.pending.add(offset);
    partition.next = Math.max(partition.next, offset + 1);
  }

  void done(TopicPartition tp, long offset) {
    Partition partition = partitions.get(tp);
    if (partition != null) { // null: the partition was revoked meanwhile
      partition.pending.remove(offset);
    }
  }

  boolean owns(TopicPartition tp) {
    return partitions.containsKey(tp);
  }

  /** Offsets to commit that move forward since the last call. */
  Map<TopicPartition, OffsetAndMetadata> committable() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    partitions.forEach((tp, partition) -> {
      long upTo = partition.pending.isEmpty() ? partition.next : partition.pending.first();
      if (upTo > partition.committed && upTo >= 0) {
        offsets.put(tp, new OffsetAndMetadata(upTo));
        partition.committed = upTo;
      }
    });
    return offsets;
  }

  /** Every partition's committable offset, moved forward or not: for a synchronous commit. */
  Map<TopicPartition, OffsetAndMetadata> all() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    partitions.forEach((tp, partition) -> {
      long upTo = partition.pending.isEmpty() ? partition.next : partition.pending.first();
      if (upTo >= 0) {
        offsets.put(tp, new OffsetAndMetadata(upTo));
        partition.committed = upTo;
      }
    });
    return offsets;
  }

  void forget(Collection<TopicPartition> revoked) {
    revoked.forEach(partitions::remove);
  }

  int pending() {
    return partitions.values().stream().mapToInt(p -> p.pending.size()).sum();
  }
}
