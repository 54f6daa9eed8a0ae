package lat.pipeline.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

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

  private static final ObjectMapper JSON = new ObjectMapper();

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

  /** Why a value is not a fetch request; the message is safe to log and to put in a dead letter. */
  public static final class Unreadable extends Exception {
    public Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  public static byte[] encode(Request request) {
    ObjectNode node = JSON.createObjectNode();
    node.put("tenant", request.tenant());
    node.put("cpnId", request.companyId());
    node.put("topic", request.topic());
    node.put("resourceId", request.resourceId());
    node.put("scope", request.scope());
    node.put("send", request.send());
    node.put("deliveryId", request.deliveryId());
    node.set("notification", request.notification());
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  public static Request decode(byte[] value) throws Unreadable {
    JsonNode node;
    try {
      node = value == null ? null : JSON.readTree(value);
    } catch (IOException e) {
      throw new Unreadable("not JSON");
    }
    if (node == null || !node.isObject()) {
      throw new Unreadable("not a JSON object");
    }
    JsonNode notification = node.path("notification");
    if (!notification.isObject()) {
      throw new Unreadable("no notification object");
    }
    JsonNode send = node.path("send");
    if (!send.canConvertToLong()) {
      throw new Unreadable("send is not a number");
    }
    return new Request(required(node, "tenant"), required(node, "cpnId"), required(node, "topic"),
        required(node, "resourceId"), optional(node, "scope"), send.asLong(), required(node, "deliveryId"),
        notification);
  }

  private static String required(JsonNode node, String field) throws Unreadable {
    String text = optional(node, field);
    if (text == null) {
      throw new Unreadable("no " + field);
    }
    return text;
  }

  private static String optional(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
  }
}
