package lat.pipeline.normalizer.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.schemas.CloudEventHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Reads a raw record (CloudEvents headers, body as received) into what a mapper takes. */
public final class RawRecords {

  private RawRecords() {}

  /** The raw event, or empty when the record has no tenant header (it cannot be mapped). */
  public static Optional<RawEvent> toRawEvent(
      String provider, Headers headers, long timestamp, String topic, int partition, long offset, byte[] value) {
    String tenant = header(headers, CloudEventHeaders.TENANT);
    if (tenant == null) {
      return Optional.empty();
    }
    String type = header(headers, CloudEventHeaders.TYPE);
    return Optional.of(new RawEvent(
        provider,
        tenant,
        type == null ? CloudEventHeaders.defaultType(provider) : type,
        header(headers, CloudEventHeaders.ID),
        receivedAt(headers, timestamp),
        topic,
        partition,
        offset,
        value == null ? new byte[0] : value));
  }

  public static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static Instant receivedAt(Headers headers, long timestamp) {
    String time = header(headers, CloudEventHeaders.TIME);
    if (time != null) {
      try {
        return Instant.parse(time);
      } catch (DateTimeParseException notRfc3339) {
        // fall back to the record's timestamp, which the receiver sets to the same instant
      }
    }
    return Instant.ofEpochMilli(timestamp);
  }
}
