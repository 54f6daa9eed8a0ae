package lat.pipeline.receiver.durability;

import java.time.Instant;
import java.util.Map;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topic;
import org.apache.kafka.clients.producer.ProducerRecord;

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

  /** The raw record ({@link RawRecords}); {@code spooled} says whether it went through the local spool on its way. */
  public ProducerRecord<String, byte[]> toRecord(boolean spooled) {
    return RawRecords.record(topic, new RawRecords.Raw(id, provider, tenant,
        eventKey != null ? eventKey : CloudEventHeaders.defaultType(provider), receivedAt, contentType, spooled,
        traceContext, body));
  }
}
