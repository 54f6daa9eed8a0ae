package lat.pipeline.console.data;

import lat.pipeline.kafka.KafkaClients;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topics;
import lat.pipeline.tools.RecordJson;
import lat.pipeline.tools.TopicScan;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;

/**
 * Search by tenant or by entity key, a page at a time, in a window of time (the broker's time
 * index gives where each partition's window starts). A tenant is looked for in its partition of the
 * raw topics, the fetch requests, the fetched resources and the dead letters (all keyed by tenant),
 * and in the canonical topics by the key prefix {@code provider:tenant:}; an entity key only in its
 * partition of each canonical topic (keys go where the default partitioner puts them).
 */
public final class Search {

  public static final int PAGE_SIZE = 25;

  /** What was asked: a receive id (go to its trail), an entity key (has a colon) or a tenant. */
  public sealed interface Query {
    record ReceiveId(String id) implements Query {}

    record EntityKey(String key) implements Query {}

    record Tenant(String tenant) implements Query {}

    static Query of(String text) {
      String q = text.strip();
      try {
        UUID uuid = UUID.fromString(q);
        if (uuid.version() == 7) {
          return new ReceiveId(uuid.toString());
        }
      } catch (IllegalArgumentException notAnId) {
        // not a receive id: a key or a tenant
      }
      return q.contains(":") ? new EntityKey(q) : new Tenant(q);
    }
  }

  /** One record found, rendered as {@code tail} prints it. */
  public record Hit(String topic, int partition, long offset, Instant time, String key, ObjectNode json, String receiveId) {
    static Hit of(ConsumerRecord<String, byte[]> record, ObjectNode json) {
      return new Hit(record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()), record.key(),
          json, RawRecords.idOf(record.headers()));
    }
  }

  private final KafkaClients kafka;
  private final RecordJson json;

  public Search(KafkaClients kafka, RecordJson json) {
    this.kafka = kafka;
    this.json = json;
  }

  public Pages.Page<Hit> find(Query query, Instant from, String after) {
    try (TopicScan scan = new TopicScan(kafka)) {
      List<TopicPartition> partitions = new ArrayList<>();
      Predicate<ConsumerRecord<String, byte[]>> matches;
      if (query instanceof Query.Tenant tenant) {
        List<String> keyedByTenant = new ArrayList<>();
        Topics.RAW.forEach(topic -> keyedByTenant.add(topic.name()));
        keyedByTenant.addAll(List.of(Topics.RAW_BSALE_RESOURCES.name(), Topics.BSALE_FETCH_REQUESTS.name(), Topics.DLQ_NORMALIZER.name()));
        keyedByTenant.forEach(topic -> partitions.addAll(keyPartition(scan, topic, tenant.tenant())));
        Topics.CANONICAL.forEach(topic -> partitions.addAll(scan.partitions(topic.name())));
        matches = record -> record.key() != null && (record.key().equals(tenant.tenant())
            || json.isCanonical(record.topic()) && tenantOfCanonicalKey(record.key()).equals(tenant.tenant()));
      } else if (query instanceof Query.EntityKey key) {
        Topics.CANONICAL.forEach(topic -> partitions.addAll(keyPartition(scan, topic.name(), key.key())));
        matches = record -> key.key().equals(record.key());
      } else {
        throw new IllegalArgumentException("a receive id has a trail, not a search");
      }
      Map<TopicPartition, Long> stop = scan.end(partitions);
      Map<TopicPartition, Long> start = scan.at(partitions, from);
      Pages.Page<Hit> page = Pages.read(scan, Pages.resume(after, start, stop), stop, PAGE_SIZE,
          record -> matches.test(record) ? Hit.of(record, json.render(record)) : null);
      List<Hit> sorted = new ArrayList<>(page.rows());
      sorted.sort(Comparator.comparing(Hit::time));
      return new Pages.Page<>(sorted, page.next());
    }
  }

  private static String tenantOfCanonicalKey(String key) {
    String[] parts = key.split(":", 3);
    return parts.length >= 2 ? parts[1] : "";
  }

  private static List<TopicPartition> keyPartition(TopicScan scan, String topic, String key) {
    int count = scan.partitions(topic).size();
    return count == 0 ? List.of()
        : List.of(new TopicPartition(topic, BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), count)));
  }
}
