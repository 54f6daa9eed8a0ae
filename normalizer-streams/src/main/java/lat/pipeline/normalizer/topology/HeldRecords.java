package lat.pipeline.normalizer.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.schemas.Topics;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The records held for one variant, as the held store keeps them: for each, its entity, key, event
 * id, source time and value (Avro binary with the schema the normalizer was built with; held records
 * live only until their variant arrives, so they never meet another schema version in practice,
 * and the store is local state, never read by consumers).
 */
final class HeldRecords {

  private HeldRecords() {}

  static byte[] encode(List<CanonicalRecord> records) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(records.size());
      for (CanonicalRecord record : records) {
        out.writeUTF(record.entity().name());
        out.writeUTF(record.key());
        out.writeUTF(record.eventId());
        out.writeLong(record.sourceTime() == null ? Long.MIN_VALUE : record.sourceTime().toEpochMilli());
        byte[] value = avro(record.value());
        out.writeInt(value.length);
        out.write(value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static List<CanonicalRecord> decode(byte[] bytes) {
    if (bytes == null) {
      return new ArrayList<>();
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int count = in.readInt();
      List<CanonicalRecord> records = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        CanonicalEntity entity = CanonicalEntity.valueOf(in.readUTF());
        String key = in.readUTF();
        String eventId = in.readUTF();
        long sourceTime = in.readLong();
        byte[] value = in.readNBytes(in.readInt());
        records.add(new CanonicalRecord(entity, key, fromAvro(entity, value), eventId,
            sourceTime == Long.MIN_VALUE ? null : Instant.ofEpochMilli(sourceTime)));
      }
      return records;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] avro(SpecificRecord value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
    new SpecificDatumWriter<SpecificRecord>(value.getSchema()).write(value, encoder);
    encoder.flush();
    return bytes.toByteArray();
  }

  private static SpecificRecord fromAvro(CanonicalEntity entity, byte[] value) throws IOException {
    Schema schema = Topics.valueSchemaOf(CanonicalTopics.of(entity));
    return new SpecificDatumReader<SpecificRecord>(schema).read(null, DecoderFactory.get().binaryDecoder(value, null));
  }
}
