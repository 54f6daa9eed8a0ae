package lat.pipeline.normalizer.providers.bsale;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.Json;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.Lenient;
import lat.pipeline.normalizer.mapping.MappingException;
import lat.pipeline.normalizer.mapping.MappingGuard;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.RecordBatch;
import lat.pipeline.schemas.BsaleResources;
import lat.pipeline.schemas.FetchRequests;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import lat.pipeline.schemas.canonical.Action;

/**
 * Bsale's notifications are thin, so this mapper reads {@code raw.bsale.resources}: what the fetcher
 * got from the v1 API, with the notification it answers (see {@link BsaleResources}). Status 200
 * maps the answer ({@link BsaleEntities}); 404 means the resource is gone, a DELETED record built
 * from the notification alone; any other status (or none) is a failure for the dead-letter topic.
 *
 * <p>Event ids derive from the notification's delivery id; source time is its {@code send}, so a
 * fetched state older than one already applied is not emitted. Keys are {@code
 * bsale:{tenant}:{topic}:{id}[:{scope}]}, derived from the notification, so an answer and a later
 * 404 of the same resource share a key (and the stale guard), and a product and a document with the
 * same number never do.
 */
public final class BsaleMapper implements ProviderMapper {

  static final int OK = 200;
  static final int NOT_FOUND = 404;

  @Override
  public String provider() {
    return "bsale";
  }

  @Override
  public Topic<String, byte[]> rawTopic() {
    return Topics.RAW_BSALE_RESOURCES;
  }

  @Override
  public MappingResult map(RawEvent raw) {
    return MappingGuard.run(() -> mapOrThrow(raw));
  }

  /** The fetch of a variant that a record of this raw event names (see {@link BsaleNotification#variantToFetch}). */
  public static FetchRequests.Request variantFetch(RawEvent raw, String variantId) {
    JsonFields envelope = envelope(raw);
    BsaleNotification notification = notification(envelope);
    return notification.variantToFetch(variantId).fetchRequest(raw.tenant());
  }

  private static JsonFields envelope(RawEvent raw) {
    return JsonFields.of(Json.parse(raw.body(), "body"), "body");
  }

  private static BsaleNotification notification(JsonFields envelope) {
    return BsaleNotification.parse(envelope.node(BsaleResources.NOTIFICATION), "body." + BsaleResources.NOTIFICATION);
  }

  private static List<CanonicalRecord> mapOrThrow(RawEvent raw) {
    JsonFields envelope = envelope(raw);
    BsaleNotification notification = notification(envelope);
    int status = Lenient.decimal(envelope.peek(BsaleResources.STATUS)).map(java.math.BigDecimal::intValue).orElse(-1);
    String request = Lenient.text(envelope.peek(BsaleResources.REQUEST)).orElse("?");
    String deliveryId = notification.deliveryId(raw.tenant());
    return switch (status) {
      case OK -> {
        Action action = switch (notification.verb()) {
          case "post" -> Action.CREATED;
          case "put" -> Action.UPDATED;
          case BsaleNotification.FETCH_VERB -> Action.UPSERTED;
          default -> Action.UNKNOWN;
        };
        RecordBatch batch = new RecordBatch(raw, deliveryId, notification.eventType(), action, notification.sourceTime());
        BsaleEntities.answered(batch, notification, envelope.peek(BsaleResources.BODY), envelope.array(BsaleResources.DETAILS));
        yield batch.records();
      }
      case NOT_FOUND -> {
        RecordBatch batch =
            new RecordBatch(raw, deliveryId, notification.eventType(), Action.DELETED, notification.sourceTime());
        BsaleEntities.gone(batch, notification);
        yield batch.records();
      }
      default -> {
        JsonNode error = envelope.peek(BsaleResources.ERROR);
        throw MappingException.map("Bsale answered " + (status == 0 ? "nothing" : "status " + status)
            + " to " + request + (Lenient.isAbsent(error) ? "" : ": " + error.asText()));
      }
    };
  }
}
