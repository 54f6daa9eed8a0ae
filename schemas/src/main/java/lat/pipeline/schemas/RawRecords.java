package lat.pipeline.schemas;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
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
      Instant written = asWritten(time);
      if (written != null) {
        return written;
      }
      try {
        return Instant.parse(time);
      } catch (DateTimeParseException notRfc3339) {
        // the record's timestamp is the same instant
      }
    }
    return Instant.ofEpochMilli(timestamp);
  }

  /**
   * {@code ce_time} as {@link #record} spells it ({@code ISO_INSTANT}: {@code 2026-12-01T10:00:00.123Z},
   * 0 to 9 fraction digits), read digit by digit; null for any other spelling, which {@code
   * Instant.parse} then reads. Every record the normalizer and replay read has this header, and
   * {@code Instant.parse} took a twelfth of the time they spent on one.
   */
  private static Instant asWritten(String time) {
    int length = time.length();
    if (length < 20 || length > 30 || length == 21 || time.charAt(length - 1) != 'Z'
        || time.charAt(4) != '-' || time.charAt(7) != '-' || time.charAt(10) != 'T'
        || time.charAt(13) != ':' || time.charAt(16) != ':' || (length > 20 && time.charAt(19) != '.')) {
      return null;
    }
    int year = digits(time, 0, 4);
    int month = digits(time, 5, 7);
    int day = digits(time, 8, 10);
    int hour = digits(time, 11, 13);
    int minute = digits(time, 14, 16);
    int second = digits(time, 17, 19);
    int fraction = length > 20 ? digits(time, 20, length - 1) : 0;
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > YearMonth.of(year, month).lengthOfMonth()
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || fraction < 0) {
      return null;
    }
    int nanos = fraction;
    for (int fractionDigits = Math.max(0, length - 21); fractionDigits < 9; fractionDigits++) {
      nanos *= 10;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal number in {@code [from, to)}, or -1 when a character there is not a digit. */
  private static int digits(String text, int from, int to) {
    int number = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      number = number * 10 + (c - '0');
    }
    return number;
  }
}
