package lat.pipeline.normalizer.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Metadata;
import org.apache.kafka.common.header.Headers;

/**
 * The one path from a raw record to its outcome, used by the topology, replay and re-drive alike:
 * map it, then for each canonical record drop a redelivery (an event id seen before: event ids come
 * from what a redelivery of the same delivery shares), a stale update (older at the source, or an
 * earlier raw record, than the last one emitted for the entity) and a no-op (the same content as the
 * last state emitted for the entity, never "any state seen before"). What cannot be mapped, and a
 * raw record the mapper turns into nothing, is a dead letter: no raw record vanishes.
 */
public final class NormalizationPath {

  public static final String STEP_HEADERS = "headers";

  /** One record of a raw topic, as read. */
  public record RawRecord(String topic, int partition, long offset, long timestamp, Headers headers, byte[] value) {}

  /** What the path remembers between records: the topology's stores, or a replay's local store. */
  public interface State {
    /** True the first time an event id is seen within the retention (and remembers it). */
    boolean firstSighting(String eventId, long now);

    /** Null when nothing was emitted for the entity yet. */
    LastEmitted lastEmitted(String entityKey);

    void emitted(String entityKey, LastEmitted last);
  }

  /** Why a canonical record was not emitted. */
  public enum Skip { DUPLICATE, STALE, UNCHANGED }

  /** What became of one raw record. */
  public sealed interface Outcome {}

  /** The records to emit, in order, and why the others were not; both may be empty (nothing to emit). */
  public record Records(List<CanonicalRecord> emit, List<Skip> skipped) implements Outcome {}

  public record DeadLetter(String step, String reason) implements Outcome {}

  private final ProviderMapper mapper;

  public NormalizationPath(ProviderMapper mapper) {
    this.mapper = mapper;
  }

  public ProviderMapper mapper() {
    return mapper;
  }

  public Outcome normalize(RawRecord raw, State state) {
    Optional<RawEvent> event = RawRecords.toRawEvent(mapper.provider(), raw.headers(), raw.timestamp(),
        raw.topic(), raw.partition(), raw.offset(), raw.value());
    if (event.isEmpty()) {
      return new DeadLetter(STEP_HEADERS, "The record has no tenant header");
    }
    MappingResult result = mapper.map(event.get());
    if (result instanceof MappingResult.Failed failed) {
      return new DeadLetter(failed.step(), failed.reason());
    }
    List<CanonicalRecord> mapped = ((MappingResult.Mapped) result).records();
    if (mapped.isEmpty()) {
      return new DeadLetter(MappingResult.Failed.MAP, "The " + mapper.provider() + " mapper produced no record");
    }
    List<CanonicalRecord> emit = new ArrayList<>(mapped.size());
    List<Skip> skipped = new ArrayList<>();
    for (CanonicalRecord record : mapped) {
      Skip skip = decide(record, raw.timestamp(), state);
      if (skip == null) {
        emit.add(record);
      } else {
        skipped.add(skip);
      }
    }
    return new Records(emit, skipped);
  }

  /** Null to emit (and remember the record as the entity's last state), or why not. */
  private static Skip decide(CanonicalRecord record, long now, State state) {
    if (!state.firstSighting(record.eventId(), now)) {
      return Skip.DUPLICATE;
    }
    LastEmitted last = state.lastEmitted(record.entityKey());
    if (last != null) {
      markActivityChange(record, last);
    }
    LastEmitted candidate = LastEmitted.of(record.value());
    if (last != null) {
      if (last.isNewerAtSourceThan(candidate) || last.isAfter(candidate)) {
        return Skip.STALE;
      }
      if (last.fingerprint().equals(candidate.fingerprint())) {
        return Skip.UNCHANGED;
      }
    }
    state.emitted(record.entityKey(), candidate);
    return null;
  }

  /**
   * The lifecycle rule that needs the previous state: an update (or snapshot, or status change) whose
   * {@code active} flag differs from the one last emitted for the entity is DEACTIVATED (true to
   * false) or REACTIVATED (false to true). CREATED and DELETED stay what they are; an unknown flag
   * on either side is no change.
   */
  private static void markActivityChange(CanonicalRecord record, LastEmitted last) {
    Boolean now = LastEmitted.active(record.value());
    Metadata metadata = (Metadata) record.value().get(record.value().getSchema().getField("metadata").pos());
    boolean anUpdate = switch (metadata.getAction()) {
      case UPDATED, UPSERTED, STATUS_CHANGED, UNKNOWN -> true;
      default -> false;
    };
    if (anUpdate && now != null && last.active() != null && !now.equals(last.active())) {
      metadata.setAction(now ? Action.REACTIVATED : Action.DEACTIVATED);
    }
  }
}
