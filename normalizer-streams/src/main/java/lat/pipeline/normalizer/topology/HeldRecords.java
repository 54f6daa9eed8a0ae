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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The records held for one variant, as the held store keeps them: for each, its entity, key, event
 * id, source time and value (Avro binary with the schema the normalizer was built with; held records
 * live only until their variant arrives or their time is up, so they never meet another schema
 * version in practice, and the store is local state, never read by consumers), then the raw record
 * it came from (place, time, headers, value), its tenant and when it was first held. An entry
 * written before held records kept their raw record (no version mark) decodes without it: it waits
 * for its variant as it did then.
 */
final class HeldRecords {

  /** Marks the format with the raw record; the format before it started with the count (never negative). */
  private static final int WITH_SOURCE = -2;

  private HeldRecords() {}

  static byte[] encode(List<NormalizationPath.Held> held) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(WITH_SOURCE);
      out.writeInt(held.size());
      for (NormalizationPath.Held one : held) {
        CanonicalRecord record = one.record();
        out.writeUTF(record.entity().name());
        out.writeUTF(record.key());
        out.writeUTF(record.eventId());
        out.writeLong(record.sourceTime() == null ? Long.MIN_VALUE : record.sourceTime().toEpochMilli());
        writeBytes(out, avro(record.value()));
        NormalizationPath.RawRecord source = one.source();
        out.writeUTF(source.topic());
        out.writeInt(source.partition());
        out.writeLong(source.offset());
        out.writeLong(source.timestamp());
        Header[] headers = source.headers().toArray();
        out.writeInt(headers.length);
        for (Header header : headers) {
          out.writeUTF(header.key());
          writeBytes(out, header.value());
        }
        writeBytes(out, source.value());
        out.writeUTF(one.tenant());
        out.writeLong(one.heldSince());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static List<NormalizationPath.Held> decode(byte[] bytes) {
    if (bytes == null) {
      return new ArrayList<>();
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int first = in.readInt();
      boolean withSource = first == WITH_SOURCE;
      int count = withSource ? in.readInt() : first;
      List<NormalizationPath.Held> held = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        CanonicalEntity entity = CanonicalEntity.valueOf(in.readUTF());
        String key = in.readUTF();
        String eventId = in.readUTF();
        long sourceTime = in.readLong();
        byte[] value = readBytes(in);
        CanonicalRecord record = new CanonicalRecord(entity, key, fromAvro(entity, value), eventId,
            sourceTime == Long.MIN_VALUE ? null : Instant.ofEpochMilli(sourceTime));
        held.add(withSource ? withSource(in, record) : new NormalizationPath.Held(record, null, null, Long.MAX_VALUE));
      }
      return held;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static NormalizationPath.Held withSource(DataInputStream in, CanonicalRecord record) throws IOException {
    String topic = in.readUTF();
    int partition = in.readInt();
    long offset = in.readLong();
    long timestamp = in.readLong();
    RecordHeaders headers = new RecordHeaders();
    for (int count = in.readInt(); count > 0; count--) {
      headers.add(in.readUTF(), readBytes(in));
    }
    byte[] value = readBytes(in);
    NormalizationPath.RawRecord source = new NormalizationPath.RawRecord(topic, partition, offset, timestamp, headers, value);
    return new NormalizationPath.Held(record, source, in.readUTF(), in.readLong());
  }

  private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
    out.writeInt(value == null ? -1 : value.length);
    if (value != null) {
      out.write(value);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    return length < 0 ? null : in.readNBytes(length);
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
