package lat.pipeline.schemas;

import io.apicurio.registry.serde.avro.AvroSerde;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value serde of a canonical topic: Apicurio's Avro serde (Confluent wire format) behind a
 * handle that the topic descriptor holds from the start. Each {@link #configure} builds a fresh
 * Apicurio serde, so pointing the descriptors at another registry never keeps schema ids cached
 * from the previous one; its datum provider is {@link SchemaKeyedDatumProvider}. {@link #use} puts
 * another serde behind the handle (tests of the topology alone, on plain Avro binary); a later
 * {@link #configure} replaces it again.
 */
final class CanonicalSerde<V extends SpecificRecord> implements Serde<V> {

  private volatile Serde<V> delegate;

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Map<String, Object> withProvider = new HashMap<>(configs);
    withProvider.put(AvroSerdeConfig.AVRO_DATUM_PROVIDER, SchemaKeyedDatumProvider.class.getName());
    AvroSerde<V> configured = new AvroSerde<>();
    configured.configure(withProvider, isKey);
    use(configured);
  }

  void use(Serde<V> serde) {
    Serde<V> previous = delegate;
    delegate = serde;
    if (previous != null) {
      previous.close();
    }
  }

  @Override
  public Serializer<V> serializer() {
    return new Serializer<>() {
      @Override
      public byte[] serialize(String topic, V data) {
        return current().serializer().serialize(topic, data);
      }

      @Override
      public byte[] serialize(String topic, Headers headers, V data) {
        return current().serializer().serialize(topic, headers, data);
      }
    };
  }

  @Override
  public Deserializer<V> deserializer() {
    return new Deserializer<>() {
      @Override
      public V deserialize(String topic, byte[] data) {
        return current().deserializer().deserialize(topic, data);
      }

      @Override
      public V deserialize(String topic, Headers headers, byte[] data) {
        return current().deserializer().deserialize(topic, headers, data);
      }
    };
  }

  private Serde<V> current() {
    Serde<V> serde = delegate;
    if (serde == null) {
      throw new IllegalStateException("Canonical serdes are not configured: call Topics.configureCanonicalSerdes first");
    }
    return serde;
  }
}
