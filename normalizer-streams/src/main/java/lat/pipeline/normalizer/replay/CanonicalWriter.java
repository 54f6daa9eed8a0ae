package lat.pipeline.normalizer.replay;

import java.util.Map;
import lat.pipeline.normalizer.dlq.DeadLetters;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.topology.CanonicalTopics;
import lat.pipeline.schemas.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes what a replay or a re-drive produces: canonical records through the canonical topics'
 * serdes, and dead letters in the normalizer's format. A value the serde cannot write (registry
 * down, schema refused) becomes a dead letter, as it does in the topology.
 */
final class CanonicalWriter implements AutoCloseable {

  /** Where a raw record lies, for the dead-letter headers. */
  record Source(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers) {}

  private final Producer<String, byte[]> producer;

  CanonicalWriter(String bootstrapServers) {
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
  }

  /** Writes the record; returns false when it had to be dead-lettered instead. */
  boolean write(CanonicalRecord record, Source source) {
    Topic<String, ? extends SpecificRecord> topic = CanonicalTopics.of(record.entity());
    byte[] value;
    try {
      value = serialize(topic, record.value());
    } catch (SerializationException | IllegalStateException e) {
      deadLetter(source, "serialize", DeadLetters.describe(e));
      return false;
    }
    producer.send(new ProducerRecord<>(topic.name(), null, record.key(), value, new RecordHeaders()));
    return true;
  }

  void deadLetter(Source source, String step, String reason) {
    Headers headers = DeadLetters.headers(source.headers(), step, reason, source.topic(), source.partition(), source.offset());
    ProducerRecord<byte[], byte[]> dead = DeadLetters.record(source.key(), source.value(), headers);
    producer.send(new ProducerRecord<>(dead.topic(), null,
        dead.key() == null ? null : new String(dead.key(), java.nio.charset.StandardCharsets.UTF_8), dead.value(), headers));
  }

  void flush() {
    producer.flush();
  }

  @SuppressWarnings("unchecked")
  private static <V extends SpecificRecord> byte[] serialize(Topic<String, V> topic, SpecificRecord value) {
    return topic.valueSerde().serializer().serialize(topic.name(), (V) value);
  }

  @Override
  public void close() {
    producer.close();
  }
}
