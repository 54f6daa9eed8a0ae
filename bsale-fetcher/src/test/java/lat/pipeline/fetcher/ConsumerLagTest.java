package lat.pipeline.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.kafka.ConsumerLag;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lag the services export comes from a real consumer's records-lag: what is left after its position. */
@ExtendWith(SharedKafka.class)
class ConsumerLagTest {

  @Test
  void theLagIsWhatTheConsumerHasNotReadYetOnTheTopic() throws Exception {
    String bootstrap = SharedKafka.broker().bootstrapServers();
    String topic = "test.lag." + UUID.randomUUID();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
        new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 5; i++) {
        producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get();
      }
    }
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
        "group.id", "lag-" + topic, "auto.offset.reset", "earliest", "max.poll.records", 2, "enable.auto.commit", false),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      int read = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (read == 0 && System.nanoTime() < deadline) {
        read = consumer.poll(Duration.ofMillis(200)).count();
      }
      assertThat(read).isEqualTo(2);
      assertThat(ConsumerLag.records(consumer.metrics(), topic, clientId -> true)).isEqualTo(3.0);
      assertThat(ConsumerLag.records(consumer.metrics(), "another.topic", clientId -> true)).isZero();
      assertThat(ConsumerLag.records(consumer.metrics(), topic, clientId -> false)).isZero();
    }
  }
}
