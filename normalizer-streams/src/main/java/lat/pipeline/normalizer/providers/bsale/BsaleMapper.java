package lat.pipeline.normalizer.providers.bsale;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
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
import lat.pipeline.normalizer.mapping.SourceFields;
import lat.pipeline.normalizer.mapping.TenantSettings;
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
  public static FetchRequests.Request variantFetch(RawEvent raw, String variantId) {
    return notification(envelope(raw)).variantToFetch(variantId).fetchRequest(raw.tenant());
  }

  private static JsonFields envelope(RawEvent raw) {
    return JsonFields.of(Json.parse(raw.body(), "body"), "body");
  }

  private static BsaleNotification notification(JsonFields envelope) {
    return BsaleNotification.parse(envelope.node(BsaleResources.NOTIFICATION), "body." + BsaleResources.NOTIFICATION);
  }

  /**
   * post is CREATED, put UPDATED, the normalizer's own variant fetch UPSERTED. A fetch that answered
   * several notifications of one resource (coalesced) answers the latest; if any of them was a post,
   * the resource is new to the consumer.
   */
  private static Action action(BsaleNotification notification, JsonFields envelope) {
    boolean posted = notification.verb().equals("post");
    for (JsonNode verb : envelope.array(BsaleResources.COALESCED_ACTIONS)) {
      posted |= "post".equalsIgnoreCase(verb.asText());
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
    JsonFields envelope = envelope(raw);
    return records(raw, envelope, new SourceFields.Source(provider(), envelope.object(), BsaleMapper::declared));
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

  private List<CanonicalRecord> records(RawEvent raw, JsonFields envelope, SourceFields.Source source) {
    BsaleNotification notification = notification(envelope);
    int status = Lenient.decimal(envelope.peek(BsaleResources.STATUS)).map(java.math.BigDecimal::intValue).orElse(-1);
    String request = Lenient.text(envelope.peek(BsaleResources.REQUEST)).orElse("?");
    String deliveryId = notification.deliveryId(raw.tenant());
    Instant fetchedAt = envelope.timestamp(BsaleResources.FETCHED_AT, () -> ZoneOffset.UTC);
    return switch (status) {
      case OK -> {
        RecordBatch batch = new RecordBatch(raw, deliveryId, notification.eventType(), action(notification, envelope),
            notification.sourceTime()).fetchedAt(fetchedAt).source(source);
        BsaleEntities.answered(batch, notification, envelope.peek(BsaleResources.BODY), envelope.array(BsaleResources.DETAILS),
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
        JsonNode error = envelope.peek(BsaleResources.ERROR);
        throw MappingException.map("Bsale answered " + (status == 0 ? "nothing" : "status " + status)
            + " to " + request + (Lenient.isAbsent(error) ? "" : ": " + error.asText()));
      }
    };
  }
}
