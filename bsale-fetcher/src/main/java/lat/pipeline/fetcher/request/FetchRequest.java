package lat.pipeline.fetcher.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import lat.pipeline.schemas.FetchRequests;
import lat.pipeline.schemas.UnreadableRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

/**
 * One record of {@code bsale.fetch-requests}: the request the normalizer wrote (decoded with the
 * same {@link FetchRequests} codec), with where it lies (its offset is committed only once it has
 * been answered) and when the fetcher took it in.
 */
public record FetchRequest(FetchRequests.Request request, Headers headers, TopicPartition partition, long offset,
    Instant takenAt) {

  /** Which resource the request is about: requests with equal keys coalesce into one fetch. */
  public record ResourceKey(String tenant, String companyId, String topic, String resourceId, String scope) {}

  public static FetchRequest from(ConsumerRecord<String, byte[]> record, Instant now) throws UnreadableRecord {
    return new FetchRequest(FetchRequests.decode(record.value()), record.headers(),
        new TopicPartition(record.topic(), record.partition()), record.offset(), now);
  }

  public ResourceKey resource() {
    return new ResourceKey(tenant(), companyId(), topic(), resourceId(), scope());
  }

  public String tenant() {
    return request.tenant();
  }

  public String companyId() {
    return request.companyId();
  }

  public String topic() {
    return request.topic();
  }

  public String resourceId() {
    return request.resourceId();
  }

  /** priceListId or officeId, or null. */
  public String scope() {
    return request.scope();
  }

  /** The notification's {@code send} (Unix seconds), 0 when missing; orders coalesced notifications. */
  public long send() {
    return request.send();
  }

  public JsonNode notification() {
    return request.notification();
  }
}
