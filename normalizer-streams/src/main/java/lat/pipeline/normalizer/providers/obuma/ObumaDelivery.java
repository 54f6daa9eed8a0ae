package lat.pipeline.normalizer.providers.obuma;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import lat.pipeline.normalizer.mapping.Json;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.RecordBatch;
import lat.pipeline.normalizer.mapping.SourceFields;
import lat.pipeline.normalizer.mapping.TenantSettings;

/**
 * One OBUMA delivery, unwrapped: either the envelope {@code {eventId, eventType, eventDate,
 * eventData}} (eventData as an object or as a JSON string) or a bare event-data body whose event
 * key comes from the URL.
 *
 * @param eventKey e.g. {@code producto.updated}; null when neither body nor URL names it
 * @param envelopeAttributes envelope fields the model does not name, as {@code envelope.<field>}
 */
record ObumaDelivery(
    String eventKey, JsonNode data, String deliveryId, Instant eventDate, Map<String, String> envelopeAttributes) {

  private static final String GENERIC_URL_TYPE = "obuma.webhook";

  static ObumaDelivery of(RawEvent raw, JsonNode body, TenantSettings.Tenant tenant) {
    String urlKey = urlEventKey(raw);
    if (!isEnvelope(body)) {
      return new ObumaDelivery(urlKey, body, receiptId(raw, urlKey), null, Map.of());
    }
    JsonFields envelope = JsonFields.of(body, "envelope");
    JsonNode data = envelope.node("eventData");
    if (data.isTextual()) {
      data = Json.parse(data.textValue(), "envelope.eventData string"); // the older format
    }
    String bodyKey = envelope.text("eventType");
    String eventKey = bodyKey != null ? bodyKey : urlKey; // the body names the event best
    String eventId = envelope.id("eventId");
    Instant eventDate = envelope.timestamp("eventDate", tenant::zone);
    String deliveryId = eventId != null ? RecordBatch.deliveryId(raw, eventId) : receiptId(raw, eventKey);
    Map<String, String> extra = new LinkedHashMap<>();
    envelope.attributes().forEach((path, value) -> extra.put("envelope." + path, value));
    return new ObumaDelivery(eventKey, data, deliveryId, eventDate, extra);
  }

  /** What the records' source fields are taken from: the event data, as OBUMA's documents show it. */
  SourceFields.Source source() {
    return new SourceFields.Source("obuma", data, ObumaMapper::declared);
  }

  private static boolean isEnvelope(JsonNode body) {
    return body.isObject() && (body.has("eventData") || (body.has("eventType") && body.has("eventId")));
  }

  private static String urlEventKey(RawEvent raw) {
    String type = raw.eventType();
    return type == null || type.isBlank() || type.equals(GENERIC_URL_TYPE) ? null : type;
  }

  /**
   * Without OBUMA's eventId: the event key plus the receipt. Equal content is no proof of a
   * redelivery (a return to an earlier state looks the same); the no-op check drops a repeat.
   */
  private static String receiptId(RawEvent raw, String eventKey) {
    return RecordBatch.deliveryId(raw, eventKey == null ? "unknown" : eventKey, RecordBatch.receipt(raw));
  }
}
