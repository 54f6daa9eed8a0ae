package lat.pipeline.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The value of {@link Topics#BSALE_FETCH_REQUESTS}: a Bsale notification parsed once, by the
 * normalizer, into what the fetcher needs, with the notification as received beside it (the fetcher
 * copies it into {@link BsaleResources#NOTIFICATION}). The normalizer encodes, the fetcher decodes,
 * both with this class:
 *
 * <pre>{@code
 * {"tenant": "acme", "cpnId": "2", "topic": "stock", "resourceId": "7079", "scope": "1" | null,
 *  "send": 1503500856, "deliveryId": "bsale:acme:2:...", "notification": {..as received..}}
 * }</pre>
 */
public final class FetchRequests {

  private FetchRequests() {}

  /**
   * @param tenant the tenant whose webhook URL the notification arrived on
   * @param companyId the notification's {@code cpnId}
   * @param topic lower case: product, variant, price, stock, document, payment...
   * @param scope priceListId or officeId, or null
   * @param send the notification's {@code send} (Unix seconds), 0 when missing; orders coalesced notifications
   */
  public record Request(String tenant, String companyId, String topic, String resourceId, String scope, long send,
      String deliveryId, JsonNode notification) {}

  /** The headers of a request's record: those of the raw record it comes from, plus its {@link BsaleResources#DELIVERY_ID}. */
  public static Headers headers(Headers raw, Request request) {
    Headers headers = new RecordHeaders(raw.toArray());
    BsaleResources.putDeliveryId(headers, request.deliveryId());
    return headers;
  }

  public static byte[] encode(Request request) {
    ObjectNode node = JsonValues.JSON.createObjectNode();
    node.put("tenant", request.tenant());
    node.put("cpnId", request.companyId());
    node.put("topic", request.topic());
    node.put("resourceId", request.resourceId());
    node.put("scope", request.scope());
    node.put("send", request.send());
    node.put("deliveryId", request.deliveryId());
    node.set("notification", request.notification());
    return JsonValues.bytes(node);
  }

  /** @throws UnreadableRecord when it is not a fetch request, saying what is missing */
  public static Request decode(byte[] value) throws UnreadableRecord {
    JsonNode node = JsonValues.object(value);
    JsonNode notification = node.path("notification");
    if (!notification.isObject()) {
      throw new UnreadableRecord("no notification object");
    }
    JsonNode send = node.path("send");
    if (!send.canConvertToLong()) {
      throw new UnreadableRecord("send is not a number");
    }
    return new Request(required(node, "tenant"), required(node, "cpnId"), required(node, "topic"),
        required(node, "resourceId"), optional(node, "scope"), send.asLong(), required(node, "deliveryId"),
        notification);
  }

  private static String required(JsonNode node, String field) throws UnreadableRecord {
    String text = optional(node, field);
    if (text == null) {
      throw new UnreadableRecord("no " + field);
    }
    return text;
  }

  private static String optional(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
  }
}
