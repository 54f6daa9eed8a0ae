package lat.pipeline.normalizer.replay;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.dlq.DeadLetters;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.topology.CanonicalTopics;
import lat.pipeline.normalizer.topology.NormalizationPath;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;

/**
 * Writes what a replay or a re-drive produces from a {@link NormalizationPath.Outcome}: canonical
 * records through the canonical topics' serdes, and dead letters in the normalizer's format. A value
 * the serde cannot write (registry down, schema refused) becomes a dead letter, as it does in the
 * topology. Every send's result is checked: {@link #flush()} fails if any send failed, so a caller
 * commits its progress only once everything it wrote is stored. One idempotent producer, so the
 * records of an entity stay in the order they were written.
 */
final class CanonicalWriter implements AutoCloseable {

  /** A raw record and its key, for the dead-letter record. */
  record Source(byte[] key, NormalizationPath.RawRecord raw) {}

  private final Producer<String, byte[]> producer;
  private final AtomicReference<Exception> failedSend = new AtomicReference<>();

  CanonicalWriter(KafkaClients kafka) {
    this(kafka.bytesProducer(Map.of(
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 20,
        // Replay writes as fast as it reads: larger batches, fewer produce requests for the broker.
        ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024)));
  }

  /** Over a given producer: the tests' MockProducer. */
  CanonicalWriter(Producer<String, byte[]> producer) {
    this.producer = producer;
  }

  /** Writes the outcome of one raw record and counts it. */
  void write(NormalizationPath.Outcome outcome, Source source, Replay.Counts counts) {
    if (outcome instanceof NormalizationPath.DeadLetter dead) {
      deadLetter(source, dead.step(), dead.reason());
      counts.deadLettered();
    } else if (outcome instanceof NormalizationPath.Records records) {
      counts.unchanged(records.skipped().size());
      for (CanonicalRecord record : records.emit()) {
        if (write(record, source)) {
          counts.emitted();
        } else {
          counts.deadLettered();
        }
      }
    }
  }

  /** Writes the record; returns false when it had to be dead-lettered instead. */
  private boolean write(CanonicalRecord record, Source source) {
    Topic<String, ? extends SpecificRecord> topic = CanonicalTopics.of(record.entity());
    byte[] value;
    try {
      value = serialize(topic, record.value());
    } catch (SerializationException | IllegalStateException e) {
      deadLetter(source, "serialize", DeadLetters.describe(e));
      return false;
    }
    // Only the trace context of the raw record: what replay and re-drive write needs no other header.
    send(new ProducerRecord<>(topic.name(), null, record.key(), value,
        CloudEventHeaders.traceContextOf(source.raw().headers())));
    return true;
  }

  void deadLetter(Source source, String step, String reason) {
    NormalizationPath.RawRecord raw = source.raw();
    Headers headers = DeadLetters.headers(raw.headers(), step, reason, raw.topic(), raw.partition(), raw.offset());
    ProducerRecord<byte[], byte[]> dead = DeadLetters.record(source.key(), raw.value(), headers);
    send(new ProducerRecord<>(dead.topic(), null,
        dead.key() == null ? null : new String(dead.key(), StandardCharsets.UTF_8), dead.value(), headers));
  }

  private void send(ProducerRecord<String, byte[]> record) {
    producer.send(record, (metadata, exception) -> {
      if (exception != null) {
        failedSend.compareAndSet(null, exception);
      }
    });
  }

  /** Waits for every send; throws if any of them failed. */
  void flush() {
    producer.flush();
    Exception failed = failedSend.get();
    if (failed != null) {
      throw new IllegalStateException("A write to Kafka failed, nothing is committed: " + DeadLetters.describe(failed), failed);
    }
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
