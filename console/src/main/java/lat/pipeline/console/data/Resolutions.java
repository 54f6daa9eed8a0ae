package lat.pipeline.console.data;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.replay.Redrive;
import lat.pipeline.schemas.Topic;
import lat.pipeline.tools.TopicScan;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Which dead letters the console has re-driven, so they leave its list: a compacted topic keyed by
 * the dead letter's place ({@code <partition>/<offset>} in {@code dlq.normalizer}), valued with the
 * outcome; one record per re-driven dead letter, the dead letter itself is never changed. Read
 * whole at start (one short entry per re-driven dead letter is what memory holds), then followed, so
 * every console instance sees what the others re-drove. A dead letter that fails again is written
 * anew by the re-drive, with its new reason, and shows in the list as that new record.
 */
public final class Resolutions implements AutoCloseable {


  private final String topic;
  private final Map<String, String> resolved = new ConcurrentHashMap<>();
  private final KafkaProducer<String, String> producer;
  private final TopicScan scan;
  private final Thread follower;
  private volatile boolean running = true;

  private Resolutions(KafkaClients kafka, String topic) {
    this.topic = topic;
    this.producer = kafka.producer(new Topic<>(topic, Topic.Role.WORK, Serdes.String(), Serdes.String()), Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
    this.scan = new TopicScan(kafka);
    this.follower = new Thread(this::follow, "console-resolutions");
    follower.setDaemon(true);
  }

  /**
   * Creates the topic when missing (compacted) if {@code create}, else requires it (where a topic
   * operator owns the topics, as on Kubernetes); reads it to its end, then follows it.
   */
  public static Resolutions start(Admin admin, KafkaClients kafka, String topic, boolean create) throws InterruptedException {
    if (create) {
      try {
        admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("Could not create " + topic + " (CONSOLE_RESOLVED_TOPIC): " + e.getCause().getMessage()
              + "; where the topics are made for the console, set CONSOLE_CREATE_TOPICS=false", e);
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("Kafka did not answer while creating " + topic + " (CONSOLE_RESOLVED_TOPIC)", e);
      }
    }
    Resolutions resolutions = new Resolutions(kafka, topic);
    List<TopicPartition> partitions = resolutions.scan.partitions(topic);
    if (partitions.isEmpty()) {
      resolutions.close();
      throw new IllegalStateException("No topic " + topic + " (CONSOLE_RESOLVED_TOPIC), or no right to describe it; with"
          + " CONSOLE_CREATE_TOPICS=false it must exist (compacted, keyed by the dead letter's place)");
    }
    resolutions.scan.read(resolutions.scan.beginning(partitions), resolutions.scan.end(partitions), resolutions::take);
    resolutions.follower.start();
    return resolutions;
  }

  private void follow() {
    List<TopicPartition> partitions = scan.partitions(topic);
    scan.read(scan.end(partitions), null, new TopicScan.Handler() {
      @Override
      public void accept(ConsumerRecord<String, byte[]> record) {
        take(record);
      }

      @Override
      public boolean afterPoll() {
        return running;
      }
    });
  }

  private void take(ConsumerRecord<String, byte[]> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      resolved.remove(record.key());
    } else {
      resolved.put(record.key(), new String(record.value(), StandardCharsets.UTF_8));
    }
  }

  public static String key(Redrive.Selected deadLetter) {
    return deadLetter.partition() + "/" + deadLetter.offset();
  }

  /** The outcome the console recorded for this dead letter, empty when it was never re-driven here. */
  public Optional<String> outcome(Redrive.Selected deadLetter) {
    return Optional.ofNullable(resolved.get(key(deadLetter)));
  }

  /** Records a re-driven dead letter; returns once the broker has it (acks=all). */
  public void resolve(Redrive.Selected deadLetter, String outcome) throws InterruptedException {
    try {
      producer.send(new ProducerRecord<>(topic, key(deadLetter), outcome)).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not record the re-drive of " + key(deadLetter) + " in " + topic, e);
    }
    resolved.put(key(deadLetter), outcome);
  }

  @Override
  public void close() {
    running = false;
    scan.wakeup();
    try {
      follower.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scan.close();
    producer.close();
  }
}
