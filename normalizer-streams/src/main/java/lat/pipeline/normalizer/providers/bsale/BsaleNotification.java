package lat.pipeline.normalizer.providers.bsale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.Lenient;
import lat.pipeline.normalizer.mapping.MappingException;
import lat.pipeline.schemas.FetchRequests;

/**
 * A Bsale notification {@code {cpnId, resource, resourceId, topic, action, send, officeId?,
 * priceListId?}}: what changed, not the data. Its delivery id is everything that identifies it
 * (cpnId, topic, resourceId, action, send and priceListId/officeId), scoped by tenant, so a
 * redelivery has the same id whatever its formatting; the notification sub-topology deduplicates on
 * it and the mapper derives the canonical event ids from it.
 *
 * @param scope priceListId or, where the document says so, officeId; null when neither is sent
 * @param sourceTime {@code send} (Unix seconds); null when missing
 */
public record BsaleNotification(
    JsonFields fields, String companyId, String topic, String resourceId, String verb, String send, String scope,
    Instant sourceTime) {

  /** The action of a fetch the normalizer asks for itself (a variant that a record names). */
  public static final String FETCH_VERB = "get";

  /** A notification that names its topic and resource; anything else is a "map" failure. */
  public static BsaleNotification parse(JsonNode node, String where) {
    JsonFields fields = JsonFields.of(node, where);
    String topic = fields.text("topic");
    String resourceId = fields.id("resourceId");
    if (topic == null || resourceId == null) {
      throw MappingException.map(where + " names no " + (topic == null ? "topic" : "resourceId"));
    }
    String verb = orDash(fields.text("action")).toLowerCase(Locale.ROOT);
    // The document says officeId where real price payloads carry priceListId: either scopes it.
    String scope = fields.firstText("priceListId", "officeId");
    return new BsaleNotification(
        fields,
        orDash(fields.id("cpnId")),
        topic.toLowerCase(Locale.ROOT),
        resourceId,
        verb,
        orDash(Lenient.id(fields.peek("send")).orElse(null)),
        scope,
        fields.timestamp("send", () -> ZoneOffset.UTC));
  }

  /** {@code bsale:{tenant}:{cpnId}:{topic}:{resourceId}:{action}:{send}:{scope or -}}. */
  public String deliveryId(String tenant) {
    return String.join(":", "bsale", tenant, companyId, topic, resourceId, verb, send, orDash(scope));
  }

  /** What the fetcher is asked to get for this notification, which arrived on {@code tenant}'s URL. */
  public FetchRequests.Request fetchRequest(String tenant) {
    long sendSeconds = sourceTime == null ? 0 : sourceTime.getEpochSecond();
    return new FetchRequests.Request(tenant, companyId, topic, resourceId, scope, sendSeconds, deliveryId(tenant),
        fields.object());
  }

  /**
   * The notification of a variant that this notification's record names but that is not known
   * yet: the same company and {@code send}, action {@value #FETCH_VERB} (a fetch of the current
   * state, not a change Bsale notified), so that fetching it completes the held record.
   */
  public BsaleNotification variantToFetch(String variantId) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("cpnId", companyId);
    node.put("resource", "/v2/variants/" + variantId + ".json");
    node.put("resourceId", variantId);
    node.put("topic", "variant");
    node.put("action", FETCH_VERB);
    JsonNode send = fields.peek("send");
    if (!Lenient.isAbsent(send)) {
      node.set("send", send);
    }
    return parse(node, "variant fetch");
  }

  /** {@code product.put}, {@code stock.put}...: the canonical records' source event type. */
  public String eventType() {
    return topic + "." + verb;
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }
}
