package lat.pipeline.receiver.durability;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.Topic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One accepted webhook request and the raw record it becomes: the body byte for byte as the value,
 * CloudEvents metadata in headers. Keyed by tenant so that a tenant's events stay in order on one
 * partition, which keeps every entity's changes in order for the normalizer. {@code traceContext}
 * holds the W3C headers ({@code traceparent}, {@code tracestate}) the record carries on.
 */
public record IncomingWebhook(
    String id,
    Topic<String, byte[]> topic,
    String provider,
    String tenant,
    String eventKey,
    String contentType,
    Instant receivedAt,
    Map<String, String> traceContext,
    byte[] body) {

  /** The raw record; {@code spooled} says whether it went through the local spool on its way. */
  public ProducerRecord<String, byte[]> toRecord(boolean spooled) {
    RecordHeaders headers = new RecordHeaders();
    header(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
    header(headers, CloudEventHeaders.ID, id);
    header(headers, CloudEventHeaders.SOURCE, CloudEventHeaders.source(provider, tenant));
    header(headers, CloudEventHeaders.TYPE, eventKey != null ? eventKey : CloudEventHeaders.defaultType(provider));
    header(headers, CloudEventHeaders.TIME, DateTimeFormatter.ISO_INSTANT.format(receivedAt));
    header(headers, CloudEventHeaders.CONTENT_TYPE, contentType);
    header(headers, CloudEventHeaders.TENANT, tenant);
    header(headers, CloudEventHeaders.SPOOLED, Boolean.toString(spooled));
    traceContext.forEach((name, value) -> header(headers, name, value));
    return new ProducerRecord<>(topic.name(), null, receivedAt.toEpochMilli(), tenant, body, headers);
  }

  private static void header(RecordHeaders headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
