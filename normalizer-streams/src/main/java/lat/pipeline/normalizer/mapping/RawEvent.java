package lat.pipeline.normalizer.mapping;

import java.time.Instant;

/**
 * One record of a raw topic, as the mappers see it: no Kafka types.
 *
 * @param eventType the {@code ce_type} header: the URL's event key, or {@code {provider}.webhook}
 * @param receiveId the {@code ce_id} header: the id the receiver answered to the caller
 */
public record RawEvent(
    String provider,
    String tenant,
    String eventType,
    String receiveId,
    Instant receivedAt,
    String rawTopic,
    int rawPartition,
    long rawOffset,
    byte[] body) {}
