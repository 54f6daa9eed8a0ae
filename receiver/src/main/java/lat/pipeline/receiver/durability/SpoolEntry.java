package lat.pipeline.receiver.durability;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** A raw record as the spool stores it: topic, key, timestamp, headers and value, in a compact binary form. */
final class SpoolEntry {

  private SpoolEntry() {}

  static byte[] encode(ProducerRecord<String, byte[]> record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(record.value().length + 512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(record.topic());
      out.writeUTF(record.key());
      out.writeLong(record.timestamp());
      Header[] headers = record.headers().toArray();
      out.writeInt(headers.length);
      for (Header header : headers) {
        out.writeUTF(header.key());
        out.writeInt(header.value().length);
        out.write(header.value());
      }
      out.writeInt(record.value().length);
      out.write(record.value());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static ProducerRecord<String, byte[]> decode(ByteBuffer buffer) throws IOException {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      String topic = in.readUTF();
      String key = in.readUTF();
      long timestamp = in.readLong();
      RecordHeaders headers = new RecordHeaders();
      int headerCount = in.readInt();
      for (int i = 0; i < headerCount; i++) {
        String name = in.readUTF();
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        headers.add(name, value);
      }
      byte[] value = new byte[in.readInt()];
      in.readFully(value);
      return new ProducerRecord<>(topic, null, timestamp, key, value, headers);
    }
  }
}
