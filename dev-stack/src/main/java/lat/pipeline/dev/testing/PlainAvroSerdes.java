package lat.pipeline.dev.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import lat.pipeline.schemas.Topics;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Canonical values as plain Avro binary (no magic byte, no schema id, no registry), for tests of
 * the topology alone on TopologyTestDriver. The Confluent wire format through a real registry is
 * the end-to-end module's test.
 */
public final class PlainAvroSerdes {

  private PlainAvroSerdes() {}

  /** Puts plain Avro serdes behind every canonical topic's value serde (see {@link Topics#useCanonicalSerdes}). */
  public static void install() {
    Topics.useCanonicalSerdes(PlainAvroSerdes::of);
  }

  static <V extends SpecificRecord> Serde<V> of(Schema schema) {
    SpecificDatumWriter<V> writer = new SpecificDatumWriter<>(schema);
    SpecificDatumReader<V> reader = new SpecificDatumReader<>(schema);
    Serializer<V> serializer = (topic, value) -> value == null ? null : write(writer, value);
    Deserializer<V> deserializer = (topic, bytes) -> bytes == null ? null : read(reader, bytes);
    return Serdes.serdeFrom(serializer, deserializer);
  }

  private static <V> byte[] write(SpecificDatumWriter<V> writer, V value) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      writer.write(value, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <V> V read(SpecificDatumReader<V> reader, byte[] bytes) {
    try {
      return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
