package lat.pipeline.normalizer.providers.bsale;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.Json;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.Lenient;
import lat.pipeline.normalizer.mapping.MappingGuard;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.RecordBatch;
import lat.pipeline.schemas.canonical.Action;

/**
 * Bsale notifications {@code {cpnId, resource, resourceId, topic, action, send, officeId?,
 * priceListId?}} are thin: until the fetched resource is joined, each one is an Event keyed
 * {@code bsale:{tenant}:{topic}:{resourceId}}. Its delivery id is everything that identifies the
 * notification: cpnId, topic, resourceId, action, send and officeId/priceListId.
 */
public final class BsaleMapper implements ProviderMapper {

  @Override
  public String provider() {
    return "bsale";
  }

  @Override
  public MappingResult map(RawEvent raw) {
    return MappingGuard.run(() -> mapOrThrow(raw));
  }

  private static List<CanonicalRecord> mapOrThrow(RawEvent raw) {
    JsonFields notification = JsonFields.of(Json.parse(raw.body(), "body"), "body");
    String topic = notification.text("topic");
    String resourceId = notification.id("resourceId");
    String verb = orDash(notification.text("action")).toLowerCase(Locale.ROOT);
    if (topic == null || resourceId == null) {
      String deliveryId = RecordBatch.deliveryId(raw, "unknown", Json.contentHash("", notification.object()));
      return new RecordBatch(raw, deliveryId, "bsale.webhook", Action.UNKNOWN, null)
          .addEvent("unknown", null, notification.object(), notification.attributes())
          .records();
    }
    String companyId = orDash(notification.id("cpnId"));
    String send = orDash(Lenient.id(notification.peek("send")).orElse(null));
    // The document says officeId where real price payloads carry priceListId: either scopes it.
    String scope = notification.firstText("priceListId", "officeId");
    String deliveryId =
        RecordBatch.deliveryId(raw, companyId, topic, resourceId, verb, send, orDash(scope));
    Action action =
        switch (verb) {
          case "post" -> Action.CREATED;
          case "put" -> Action.UPDATED;
          case "delete" -> Action.DELETED;
          default -> Action.UNKNOWN;
        };
    Instant sourceTime = notification.timestamp("send", ZoneOffset.UTC); // Unix seconds
    return new RecordBatch(raw, deliveryId, topic + "." + verb, action, sourceTime)
        .addEvent(topic, resourceId, notification.object(), notification.attributes())
        .records();
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }
}
