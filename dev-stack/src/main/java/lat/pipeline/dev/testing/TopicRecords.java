package lat.pipeline.dev.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lat.pipeline.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Every record of a topic, from the beginning to where it ended when the read started: what tests check. */
public final class TopicRecords {

  private TopicRecords() {}

  /**
   * @param committedOnly read as a downstream consumer of transactional output does; the read then
   *     waits (up to 30 s) for open transactions before the end
   */
  public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrapServers, String topic, boolean committedOnly) {
    return readAll(KafkaClients.plaintext(bootstrapServers), topic, committedOnly);
  }

  /** The same, with clients that log in where the broker is secured (e.g. a {@code SecuredKafka} user's). */
  public static List<ConsumerRecord<String, byte[]>> readAll(KafkaClients clients, String topic, boolean committedOnly) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = clients.bytesConsumer(config)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.currentTimeMillis() + 30_000;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(300)).forEach(records::add);
      }
    }
    return records;
  }
}
