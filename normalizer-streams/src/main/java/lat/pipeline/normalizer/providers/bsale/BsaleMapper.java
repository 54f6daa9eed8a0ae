package lat.pipeline.normalizer.providers.bsale;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.Json;
import lat.pipeline.normalizer.mapping.MappingException;
import lat.pipeline.normalizer.mapping.MappingGuard;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.RecordBatch;
import lat.pipeline.normalizer.mapping.SourceFields;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.normalizer.mapping.VariantJoined;
import lat.pipeline.schemas.BsaleResources;
import lat.pipeline.schemas.FetchRequests;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import lat.pipeline.schemas.UnreadableRecord;
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
public final class BsaleMapper implements ProviderMapper, VariantJoined {

  static final int OK = 200;
  private static final java.util.Set<String> FLAGS = java.util.Set.of(
      "unlimitedStock", "allowNegativeStock", "serialNumber", "informedSii", "stockControl", "allowDecimal", "printDetailPack");
  static final int NOT_FOUND = 404;

  private final TenantSettings settings;

  public BsaleMapper(TenantSettings settings) {
    this.settings = settings;
  }

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
  @Override
  public FetchRequests.Request variantFetch(RawEvent raw, String variantId) {
    return notification(envelope(Json.parse(raw.body(), "body"))).variantToFetch(variantId).fetchRequest(raw.tenant());
  }

  private static BsaleResources.Envelope envelope(JsonNode body) {
    try {
      return BsaleResources.read(body);
    } catch (UnreadableRecord e) {
      throw MappingException.map("body is not a fetched resource: " + e.getMessage());
    }
  }

  private static BsaleNotification notification(BsaleResources.Envelope envelope) {
    return BsaleNotification.parse(envelope.notification(), "body.notification");
  }

  /**
   * post is CREATED, put UPDATED, the normalizer's own variant fetch UPSERTED. A fetch that answered
   * several notifications of one resource (coalesced) answers the latest; if any of them was a post,
   * the resource is new to the consumer.
   */
  private static Action action(BsaleNotification notification, BsaleResources.Envelope envelope) {
    boolean posted = notification.verb().equals("post");
    for (String verb : envelope.coalescedActions()) {
      posted |= "post".equalsIgnoreCase(verb);
    }
    if (posted) {
      return Action.CREATED;
    }
    return switch (notification.verb()) {
      case "put" -> Action.UPDATED;
      case BsaleNotification.FETCH_VERB -> Action.UPSERTED;
      default -> Action.UNKNOWN;
    };
  }

  private List<CanonicalRecord> mapOrThrow(RawEvent raw) {
    JsonNode body = Json.parse(raw.body(), "body");
    return records(raw, envelope(body), new SourceFields.Source(provider(), body, BsaleMapper::declared));
  }

  /** Bsale's dates are Unix seconds, its flags 0/1 numbers and its amounts *Amount, *Value, *Discount (the API's own names). */
  static SourceFields.Declared declared(String field) {
    if (field.endsWith("Date")) {
      return SourceFields.Declared.DATE;
    }
    if (FLAGS.contains(field)) {
      return SourceFields.Declared.FLAG;
    }
    return field.endsWith("Amount") || field.endsWith("Value") || field.endsWith("ValueWithTaxes") || field.endsWith("Discount")
        ? SourceFields.Declared.MONEY : null;
  }

  private List<CanonicalRecord> records(RawEvent raw, BsaleResources.Envelope envelope, SourceFields.Source source) {
    BsaleNotification notification = notification(envelope);
    int status = envelope.status();
    String request = envelope.request() == null ? "?" : envelope.request();
    String deliveryId = notification.deliveryId(raw.tenant());
    Instant fetchedAt = envelope.fetchedAt();
    return switch (status) {
      case OK -> {
        RecordBatch batch = new RecordBatch(raw, deliveryId, notification.eventType(), action(notification, envelope),
            notification.sourceTime()).fetchedAt(fetchedAt).source(source);
        BsaleEntities.answered(batch, notification, envelope.body(),
            envelope.details() == null ? List.of() : envelope.details(),
            settings.of(raw.provider(), raw.tenant()));
        yield batch.records();
      }
      case NOT_FOUND -> {
        RecordBatch batch =
            new RecordBatch(raw, deliveryId, notification.eventType(), Action.DELETED, notification.sourceTime())
                .fetchedAt(fetchedAt)
                .source(source)
                .partial();
        BsaleEntities.gone(batch, notification);
        yield batch.records();
      }
      default -> {
        throw MappingException.map("Bsale answered " + (status == 0 ? "nothing" : "status " + status)
            + " to " + request + (envelope.error() == null ? "" : ": " + envelope.error()));
      }
    };
  }
}
