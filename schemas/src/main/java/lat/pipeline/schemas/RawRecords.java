package lat.pipeline.schemas;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The records of the raw topics ({@link Topics#RAW}), in the CloudEvents Kafka binding's binary
 * mode: key the tenant (a tenant's events stay in order on one partition), value the webhook's
 * body byte for byte, timestamp the time it was received, metadata in the {@link CloudEventHeaders}.
 * The receiver writes with {@link #record}; the normalizer, replay, the tools and the console read
 * with {@link #read}, or one header with {@link #idOf} and {@link #tenantOf}. {@code
 * raw.bsale.resources} carries these same headers, copied from the notification it answers.
 */
public final class RawRecords {

  private RawRecords() {}

  /**
   * One webhook as its raw record holds it.
   *
   * @param id {@code ce_id}: the id the receiver answered to the caller (UUID v7); null only on a record not written by the receiver
   * @param type {@code ce_type}: the URL's event key, or {@code {provider}.webhook}
   * @param contentType the request's {@code Content-Type}, null when none
   * @param spooled whether the record went through the receiver's local spool on its way
   * @param traceContext the W3C headers ({@code traceparent}, {@code tracestate}) the record carries on
   */
  public record Raw(String id, String provider, String tenant, String type, Instant receivedAt, String contentType,
      boolean spooled, Map<String, String> traceContext, byte[] body) {}

  /** The record of {@code raw} in its provider's raw topic. */
  public static ProducerRecord<String, byte[]> record(Topic<String, byte[]> topic, Raw raw) {
    Headers headers = new RecordHeaders();
    TextHeaders.add(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
    TextHeaders.add(headers, CloudEventHeaders.ID, raw.id());
    TextHeaders.add(headers, CloudEventHeaders.SOURCE, CloudEventHeaders.source(raw.provider(), raw.tenant()));
    TextHeaders.add(headers, CloudEventHeaders.TYPE, raw.type());
    TextHeaders.add(headers, CloudEventHeaders.TIME, DateTimeFormatter.ISO_INSTANT.format(raw.receivedAt()));
    if (raw.contentType() != null) {
      TextHeaders.add(headers, CloudEventHeaders.CONTENT_TYPE, raw.contentType());
    }
    TextHeaders.add(headers, CloudEventHeaders.TENANT, raw.tenant());
    TextHeaders.add(headers, CloudEventHeaders.SPOOLED, Boolean.toString(raw.spooled()));
    raw.traceContext().forEach((name, value) -> TextHeaders.add(headers, name, value));
    return new ProducerRecord<>(topic.name(), null, raw.receivedAt().toEpochMilli(), raw.tenant(), raw.body(), headers);
  }

  /**
   * A raw record of {@code provider}'s webhooks. {@code ce_type} defaults to {@code
   * {provider}.webhook}; {@code ce_time} that is missing or not RFC 3339 falls back to the record's
   * timestamp, which the receiver sets to the same instant; a null value is an empty body.
   *
   * @throws UnreadableRecord when it has no {@code tenant} header: no tenant's settings or keys apply
   */
  public static Raw read(String provider, Headers headers, long timestamp, byte[] value) throws UnreadableRecord {
    String tenant = tenantOf(headers);
    if (tenant == null) {
      throw new UnreadableRecord("The record has no tenant header");
    }
    String type = TextHeaders.get(headers, CloudEventHeaders.TYPE);
    Map<String, String> traceContext = new LinkedHashMap<>();
    for (String name : new String[] {CloudEventHeaders.TRACEPARENT, CloudEventHeaders.TRACESTATE}) {
      String text = TextHeaders.get(headers, name);
      if (text != null) {
        traceContext.put(name, text);
      }
    }
    return new Raw(idOf(headers), provider, tenant, type == null ? CloudEventHeaders.defaultType(provider) : type,
        receivedAt(headers, timestamp), TextHeaders.get(headers, CloudEventHeaders.CONTENT_TYPE),
        Boolean.parseBoolean(TextHeaders.get(headers, CloudEventHeaders.SPOOLED)), traceContext,
        value == null ? new byte[0] : value);
  }

  /** {@code ce_id}, or null; every record derived from a raw one (fetch requests, resources, dead letters) carries it on. */
  public static String idOf(Headers headers) {
    return TextHeaders.get(headers, CloudEventHeaders.ID);
  }

  /** The {@code tenant} header, or null. */
  public static String tenantOf(Headers headers) {
    return TextHeaders.get(headers, CloudEventHeaders.TENANT);
  }

  private static Instant receivedAt(Headers headers, long timestamp) {
    String time = TextHeaders.get(headers, CloudEventHeaders.TIME);
    if (time != null) {
      try {
        return Instant.parse(time);
      } catch (DateTimeParseException notRfc3339) {
        // the record's timestamp is the same instant
      }
    }
    return Instant.ofEpochMilli(timestamp);
  }
}
