package lat.pipeline.normalizer.mapping;

import lat.pipeline.schemas.CanonicalClasses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro binary encoding the way the registry serdes do it ({@code new SpecificDatumWriter<>(schema)}).
 * Records are compared by their bytes: the equals of generated classes cannot compare nullable
 * decimals inside arrays once read back (Avro compares those without conversions).
 */
public final class AvroEncoding {

  static {
    CanonicalClasses.trust();
  }

  private AvroEncoding() {}

  public static byte[] encode(SpecificRecord record) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
      new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
      encoder.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static SpecificRecord decode(byte[] bytes, org.apache.avro.Schema schema) {
    try {
      return new SpecificDatumReader<SpecificRecord>(schema).read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
