package lat.pipeline.normalizer.mapping;

import lat.pipeline.schemas.CanonicalClasses;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Completeness;
import lat.pipeline.schemas.canonical.Event;
import lat.pipeline.schemas.canonical.Metadata;
import lat.pipeline.schemas.canonical.SourceValue;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Collects the canonical records one raw event yields and gives each its key, metadata and event id.
 *
 * <p>Event ids: a delivery that yields one record uses the delivery's id; one that yields several
 * (an article with its prices and stock) suffixes each with {@code #{entity}:{entity id}}, so
 * deduplication works per record.
 */
public final class RecordBatch {

  static {
    CanonicalClasses.trust();
  }

  /**
   * Mapping version 3: source fields on every record, named line, name-part, variant and tag fields,
   * typed flags, amounts and dates (2: currencies always set, one lifecycle, completeness, normalized
   * document status).
   */
  public static final int MAPPING_VERSION = 3;

  private static final String SOURCE_FIELDS = "sourceFields";

  private record Draft(
      CanonicalEntity entity, String entityId, SourceFields.Part part, Function<Metadata, SpecificRecord> value) {}

  private final RawEvent raw;
  private final String deliveryId;
  private final String sourceEventType;
  private final Action action;
  private final Instant sourceTime;
  private final List<Draft> drafts = new ArrayList<>();
  private Completeness completeness = Completeness.SNAPSHOT;
  private Instant fetchedAt;
  private SourceFields.Source source;

  /**
   * @param deliveryId the deterministic id of the delivery, see {@link #deliveryId(RawEvent, String...)}
   * @param sourceTime when it happened at the source; null when the provider does not say
   */
  public RecordBatch(RawEvent raw, String deliveryId, String sourceEventType, Action action, Instant sourceTime) {
    this.raw = raw;
    this.deliveryId = deliveryId;
    this.sourceEventType = sourceEventType;
    this.action = action;
    this.sourceTime = sourceTime == null ? null : sourceTime.truncatedTo(ChronoUnit.MILLIS);
  }

  /** {@code {provider}:{tenant}:{parts...}}: scoped by tenant, so equal content in two accounts never collides. */
  public static String deliveryId(RawEvent raw, String... parts) {
    return raw.provider() + ":" + raw.tenant() + ":" + String.join(":", parts);
  }

  /**
   * What every copy of one receipt shares, for providers whose deliveries carry no id of their own:
   * the receiver's id for it ({@code ce_id}, the same on the spooled copy of a record whose late
   * acknowledgement also arrived), or without it where the raw record lies. Never a hash of the
   * content: a return to an earlier state is a new delivery, not a redelivery.
   */
  public static String receipt(RawEvent raw) {
    return raw.receiveId() != null && !raw.receiveId().isBlank()
        ? "receipt-" + raw.receiveId()
        : "raw-" + raw.rawTopic() + "-" + raw.rawPartition() + "-" + raw.rawOffset();
  }

  /** The records carry only what changed (an id, a status), not the whole entity. */
  public RecordBatch partial() {
    completeness = Completeness.PARTIAL;
    return this;
  }

  /** When the resource was fetched from the provider's API, for enriched records. */
  public RecordBatch fetchedAt(Instant fetched) {
    fetchedAt = fetched == null ? null : fetched.truncatedTo(ChronoUnit.MILLIS);
    return this;
  }

  /** The payload the records are made from; every record carries the leaves of its part of it. */
  public RecordBatch source(SourceFields.Source payload) {
    source = payload;
    return this;
  }

  /** A record made from the whole payload: the entity the delivery is about. */
  public RecordBatch add(CanonicalEntity entity, String entityId, Function<Metadata, SpecificRecord> value) {
    return add(entity, entityId, SourceFields.Part.whole(), value);
  }

  /**
   * @param part the leaves of the payload the record was read from
   * @param value builds the record around the metadata it is given
   */
  public RecordBatch add(
      CanonicalEntity entity, String entityId, SourceFields.Part part, Function<Metadata, SpecificRecord> value) {
    drafts.add(new Draft(entity, entityId, part, value));
    return this;
  }

  /**
   * An {@link Event} for canonical.events, keyed {@code {entityType}:{entityId}}; without an entity
   * id, by a hash of the payload so unrelated events do not share a key.
   */
  public RecordBatch addEvent(String entityType, String entityId, JsonNode payload, Map<String, String> attributes) {
    String payloadJson = Json.canonical(payload);
    String keyId = entityType + ":" + (entityId != null ? entityId : Json.sha256Hex(payloadJson));
    return add(
        CanonicalEntity.EVENT,
        keyId,
        metadata ->
            Event.newBuilder()
                .setMetadata(metadata)
                .setEntityType(entityType)
                .setEntityId(entityId)
                .setPayload(payloadJson)
                .setAttributes(attributes)
                .build());
  }

  public List<CanonicalRecord> records() {
    if (raw.receivedAt() == null || raw.provider() == null || raw.tenant() == null) {
      throw MappingException.map("raw event lacks provider, tenant or receive time");
    }
    if (source == null) {
      throw new IllegalStateException("a batch without its source payload would erase it");
    }
    Map<String, SourceValue> leaves = source.leaves();
    // A delivery that names the same entity twice (a repeated row) yields it once: the last wins.
    Map<String, Draft> unique = new LinkedHashMap<>();
    drafts.forEach(d -> unique.put(d.entity() + ":" + d.entityId(), d));
    List<CanonicalRecord> records = new ArrayList<>(unique.size());
    for (Draft draft : unique.values()) {
      String eventId =
          unique.size() == 1
              ? deliveryId
              : deliveryId + "#" + draft.entity().name().toLowerCase(Locale.ROOT) + ":" + draft.entityId();
      SpecificRecord value = draft.value().apply(metadata(eventId));
      Schema.Field field = value.getSchema().getField(SOURCE_FIELDS);
      if (field == null) {
        // Every canonical record type keeps the payload's leaves: one without a home would erase them.
        throw new IllegalStateException(value.getSchema().getFullName() + " has no " + SOURCE_FIELDS);
      }
      value.put(field.pos(), SourceFields.select(leaves, draft.part()));
      String key = raw.provider() + ":" + raw.tenant() + ":" + draft.entityId();
      records.add(new CanonicalRecord(draft.entity(), key, value, eventId, sourceTime));
    }
    return records;
  }

  private Metadata metadata(String eventId) {
    return Metadata.newBuilder()
        .setEventId(eventId)
        .setProvider(raw.provider())
        .setTenant(raw.tenant())
        .setSourceEventType(sourceEventType)
        .setAction(action)
        .setOccurredAt(sourceTime)
        .setReceivedAt(raw.receivedAt().truncatedTo(ChronoUnit.MILLIS))
        .setReceiveId(raw.receiveId())
        .setRawTopic(raw.rawTopic() == null ? "" : raw.rawTopic())
        .setRawPartition(raw.rawPartition())
        .setRawOffset(raw.rawOffset())
        .setCompleteness(completeness)
        .setMappingVersion(MAPPING_VERSION)
        .setFetchedAt(fetchedAt)
        .build();
  }
}
