package lat.pipeline.fetcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import lat.pipeline.schemas.BsaleResources;
import lat.pipeline.schemas.CloudEventHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * One record of {@code bsale.fetch-requests}: a deduplicated notification, with where it lies (its
 * offset is committed only once it has been answered) and when the fetcher took it in.
 *
 * @param scope priceListId or officeId, or null
 * @param send the notification's {@code send} (Unix seconds), 0 when missing; orders coalesced notifications
 */
public record FetchRequest(
    String tenant, String companyId, String topic, String resourceId, String scope, long send,
    JsonNode notification, byte[] value, Headers headers, TopicPartition partition, long offset, Instant takenAt) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Which resource the request is about: requests with equal keys coalesce into one fetch. */
  public record ResourceKey(String tenant, String companyId, String topic, String resourceId, String scope) {}

  public ResourceKey resource() {
    return new ResourceKey(tenant, companyId, topic, resourceId, scope);
  }

  /** Null when the value is not a notification (the normalizer forwards only parsed ones). */
  public static FetchRequest from(ConsumerRecord<String, byte[]> record, Instant now) {
    try {
      JsonNode node = record.value() == null ? null : JSON.readTree(record.value());
      if (node == null || !node.isObject()) {
        return null;
      }
      String tenant = record.key() != null ? record.key() : header(record.headers(), CloudEventHeaders.TENANT);
      String topic = text(node, "topic");
      String resourceId = text(node, "resourceId");
      String company = text(node, "cpnId");
      if (tenant == null || topic == null || resourceId == null || company == null) {
        return null;
      }
      String scope = text(node, "priceListId");
      if (scope == null) {
        scope = text(node, "officeId");
      }
      long send = node.path("send").asLong(0);
      return new FetchRequest(tenant, company, topic.toLowerCase(Locale.ROOT), resourceId, scope, send, node,
          record.value(), record.headers(), new TopicPartition(record.topic(), record.partition()), record.offset(), now);
    } catch (IOException e) {
      return null;
    }
  }

  public String deliveryId() {
    return header(headers, BsaleResources.DELIVERY_ID);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull() || value.isContainerNode()) {
      return null;
    }
    String text = value.asText().trim();
    return text.isEmpty() ? null : text;
  }

  private static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
