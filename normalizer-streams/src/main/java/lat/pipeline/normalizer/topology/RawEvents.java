package lat.pipeline.normalizer.topology;

import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.UnreadableRecord;
import org.apache.kafka.common.header.Headers;

/** A raw record, read with its topic's codec ({@link RawRecords}), as a mapper takes it. */
final class RawEvents {

  private RawEvents() {}

  /** @throws UnreadableRecord when the record has no tenant header (it cannot be mapped) */
  static RawEvent of(String provider, Headers headers, long timestamp, String topic, int partition, long offset,
      byte[] value) throws UnreadableRecord {
    RawRecords.Raw raw = RawRecords.read(provider, headers, timestamp, value);
    return new RawEvent(provider, raw.tenant(), raw.type(), raw.id(), raw.receivedAt(), topic, partition, offset,
        raw.body());
  }
}
