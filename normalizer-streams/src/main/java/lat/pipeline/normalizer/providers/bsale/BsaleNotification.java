package lat.pipeline.normalizer.providers.bsale;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.Lenient;
import lat.pipeline.normalizer.mapping.MappingException;

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

  /** {@code product.put}, {@code stock.put}...: the canonical records' source event type. */
  public String eventType() {
    return topic + "." + verb;
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }
}
