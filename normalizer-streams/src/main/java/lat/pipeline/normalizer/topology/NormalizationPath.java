package lat.pipeline.normalizer.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.schemas.FetchRequests;
import lat.pipeline.schemas.UnreadableRecord;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Metadata;
import lat.pipeline.schemas.canonical.Price;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.ProductVariant;
import lat.pipeline.schemas.canonical.Stock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;

/**
 * The one path from a raw record to its outcome, used by the topology, replay and re-drive alike:
 * map it, then for each canonical record drop a redelivery (an event id seen before: event ids come
 * from what a redelivery of the same delivery shares), a stale update (older at the source, or an
 * earlier raw record, than the last one emitted for the entity) and a no-op (the same content as the
 * last state emitted for the entity, never "any state seen before"). What cannot be mapped, and a
 * raw record the mapper turns into nothing, is a dead letter: no raw record vanishes.
 *
 * <p>Where the provider's prices, stock and document lines name only a variant ({@link VariantJoin}),
 * each is completed from the variant table before these checks; one whose variant is not known yet
 * is held by the state with a fetch of the variant, and emitted when the variant's record passes
 * here. A state that cannot hold (replay and re-drive, which read history) dead-letters it instead,
 * for a re-drive once the variant is known. An entity's deletion is emitted as its DELETED record
 * followed by a tombstone (a null value) for the same key, so that a compacted topic forgets it;
 * a product's deletion also retracts the prices and stock emitted for it (a tombstone for each, as
 * far as the state remembers them), while a deactivated product keeps them ({@code active=false}
 * on the product is the mark).
 */
public final class NormalizationPath {

  public static final String STEP_HEADERS = "headers";
  public static final String STEP_JOIN = "join";

  /** One record of a raw topic, as read. */
  public record RawRecord(String topic, int partition, long offset, long timestamp, Headers headers, byte[] value) {}

  /** What the path remembers between records: the topology's stores, or a replay's local store. */
  public interface State {
    /** True the first time an event id is seen within the retention (and remembers it). */
    boolean firstSighting(String eventId, long now);

    /** Null when nothing was emitted for the entity yet. */
    LastEmitted lastEmitted(String entityKey);

    void emitted(String entityKey, LastEmitted last);

    /** What the variant table says of a variant, by its key ({@link VariantJoin#variantKey}); null when not known. */
    VariantJoin.KnownVariant variant(String variantKey);

    void variantEmitted(String variantKey, VariantJoin.KnownVariant variant);

    /**
     * Holds a record until its variant is known; true when it is the first record held for that
     * variant (so the variant is to be fetched).
     *
     * @throws UnsupportedOperationException when this state cannot hold records
     */
    default boolean hold(String variantKey, Held held) {
      throw new UnsupportedOperationException("this state does not hold records");
    }

    /** The wall-clock time a record is held from; a held record waits at most a bounded time from it. */
    default long wallClockMillis() {
      return System.currentTimeMillis();
    }

    /** Remembers that a price or stock record was emitted for a product ({@code {provider}:{tenant}:{product id}}). */
    default void dependentEmitted(String product, String entityKey) {}

    /** The entity keys of the prices and stock emitted for a product, forgotten by the state. */
    default List<String> dependents(String product) {
      return List.of();
    }

    /** Whether {@link #hold} works; replay and re-drive read history and cannot wait for a fetch. */
    default boolean holds() {
      return false;
    }

    /** The records held for a variant, in the order they were held, forgotten by the state. */
    default List<Held> release(String variantKey) {
      return List.of();
    }
  }

  /**
   * A record waiting for its variant, with the raw record it was mapped from and its tenant (the
   * raw topics' key), so that one which waits too long is dead-lettered as the raw record, to be
   * re-driven; {@code heldSince} is the wall-clock time it was first held.
   */
  public record Held(CanonicalRecord record, RawRecord source, String tenant, long heldSince) {}

  /** Why a canonical record was not emitted. */
  public enum Skip { DUPLICATE, STALE, UNCHANGED }

  /** What became of one raw record. */
  public sealed interface Outcome {}

  /**
   * The records to emit, in order (a tombstone is a record with a null value), why the others were
   * not, how many were held for a variant, and the variant fetches to request; all may be empty.
   */
  public record Records(List<CanonicalRecord> emit, List<Skip> skipped, int held, List<FetchRequests.Request> fetch)
      implements Outcome {}

  public record DeadLetter(String step, String reason) implements Outcome {}

  private final ProviderMapper mapper;
  private final Optional<VariantJoin> join;

  public NormalizationPath(ProviderMapper mapper) {
    this.mapper = mapper;
    this.join = VariantJoin.of(mapper);
  }

  public ProviderMapper mapper() {
    return mapper;
  }

  public Outcome normalize(RawRecord raw, State state) {
    RawEvent event;
    try {
      event = RawEvents.of(mapper.provider(), raw.headers(), raw.timestamp(),
          raw.topic(), raw.partition(), raw.offset(), raw.value());
    } catch (UnreadableRecord e) {
      return new DeadLetter(STEP_HEADERS, e.getMessage());
    }
    MappingResult result = mapper.map(event);
    if (result instanceof MappingResult.Failed failed) {
      return new DeadLetter(failed.step(), failed.reason());
    }
    List<CanonicalRecord> mapped = ((MappingResult.Mapped) result).records();
    if (mapped.isEmpty()) {
      return new DeadLetter(MappingResult.Failed.MAP, "The " + mapper.provider() + " mapper produced no record");
    }
    Step step = new Step(event, raw.timestamp(), state);
    for (CanonicalRecord record : mapped) {
      List<String> unknown = join.isEmpty() ? List.of() : unknownVariants(record, state);
      if (unknown.isEmpty()) {
        step.decide(join.isEmpty() ? record : VariantJoin.complete(record, state::variant), true);
      } else if (!state.holds()) {
        return new DeadLetter(STEP_JOIN, "variant " + unknown.get(0) + " of " + record.key()
            + " is neither in canonical.variants nor earlier in what was read; re-drive it once the variant has been fetched");
      } else if (!state.firstSighting(record.eventId(), raw.timestamp())) {
        step.skipped.add(Skip.DUPLICATE);
      } else {
        step.hold(new Held(record, raw, event.tenant(), state.wallClockMillis()), unknown);
      }
    }
    return new Records(step.emit, step.skipped, step.held, step.fetch);
  }

  private static List<String> unknownVariants(CanonicalRecord record, State state) {
    return VariantJoin.variantKeys(record).stream().filter(key -> state.variant(key) == null).toList();
  }

  /** What one raw record yields, gathered as its canonical records are decided. */
  private final class Step {
    final RawEvent raw;
    final long now;
    final State state;
    final List<CanonicalRecord> emit = new ArrayList<>();
    final List<Skip> skipped = new ArrayList<>();
    final List<FetchRequests.Request> fetch = new ArrayList<>();
    int held;

    Step(RawEvent raw, long now, State state) {
      this.raw = raw;
      this.now = now;
      this.state = state;
    }

    /** Emits the record unless it is a duplicate (checked unless it was when held), stale or a no-op. */
    void decide(CanonicalRecord record, boolean checkDuplicate) {
      Skip skip = NormalizationPath.decide(record, now, state, checkDuplicate);
      if (skip != null) {
        skipped.add(skip);
        return;
      }
      emit.add(record);
      boolean deletion = isDeletion(record);
      if (deletion) {
        emit.add(tombstone(record.entity(), record.key(), record));
      }
      String product = productOf(record);
      if (product != null && record.entity() == CanonicalEntity.PRODUCT && deletion) {
        retractDependents(product, record);
      } else if (product != null && record.entity() != CanonicalEntity.PRODUCT && !deletion) {
        state.dependentEmitted(product, record.entityKey());
      }
      var variant = VariantJoin.variantOf(record);
      if (variant != null && join.isPresent()) {
        knowVariant(variant);
      }
    }

    /** Puts the variant in the table and decides the records that were waiting for it. */
    private void knowVariant(ProductVariant variant) {
      for (Held waiting : state.release(rememberVariant(variant, state))) {
        List<String> unknown = unknownVariants(waiting.record(), state);
        if (unknown.isEmpty()) {
          decide(VariantJoin.complete(waiting.record(), state::variant), false);
        } else {
          hold(waiting, unknown);
        }
      }
    }

    /**
     * A tombstone for each price and stock of a deleted product; each is remembered as retracted at
     * the deletion's place, so a later record for it is a change and an earlier one is stale.
     */
    private void retractDependents(String product, CanonicalRecord deletion) {
      LastEmitted deleted = LastEmitted.of(deletion.value());
      LastEmitted retracted = new LastEmitted(RETRACTED, deleted.sourceTime(), deleted.rawTopic(), deleted.rawPartition(),
          deleted.rawOffset(), null);
      for (String entityKey : state.dependents(product)) {
        int bar = entityKey.indexOf('|');
        emit.add(tombstone(CanonicalEntity.valueOf(entityKey.substring(0, bar)), entityKey.substring(bar + 1), deletion));
        state.emitted(entityKey, retracted);
      }
    }

    /**
     * Held under its first unknown variant, fetched unless a record held before awaits it already;
     * the other unknown variants are fetched too (a repeated fetch is answered as unchanged). A
     * record held again under its next unknown variant keeps the time it was first held.
     */
    void hold(Held record, List<String> unknown) {
      held++;
      boolean first = state.hold(unknown.get(0), record);
      for (int i = first ? 0 : 1; i < unknown.size(); i++) {
        String variantKey = unknown.get(i);
        fetch.add(join.orElseThrow().fetch(raw, variantKey.substring(variantKey.lastIndexOf(':') + 1)));
      }
    }
  }

  /**
   * What a state learns from a record already in a canonical topic, as replay and re-drive start
   * from them: the entity's last state, a variant's product and SKU, a price's or stock's product
   * (so that the product's deletion retracts it).
   */
  public static void learn(CanonicalRecord record, State state) {
    state.emitted(record.entityKey(), LastEmitted.of(record.value()));
    ProductVariant variant = VariantJoin.variantOf(record);
    if (variant != null) {
      rememberVariant(variant, state);
    }
    String product = productOf(record);
    if (product != null && record.entity() != CanonicalEntity.PRODUCT && !isDeletion(record)) {
      state.dependentEmitted(product, record.entityKey());
    }
  }

  /** Puts the variant in the table (a deleted variant keeps the product and SKU known before); returns its key. */
  private static String rememberVariant(ProductVariant variant, State state) {
    String variantKey = VariantJoin.variantKey(variant.getMetadata(), variant.getId());
    state.variantEmitted(variantKey, VariantJoin.KnownVariant.of(variant).orElse(state.variant(variantKey)));
    return variantKey;
  }

  /** Null to emit (and remember the record as the entity's last state), or why not. */
  private static Skip decide(CanonicalRecord record, long now, State state, boolean checkDuplicate) {
    if (checkDuplicate && !state.firstSighting(record.eventId(), now)) {
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

  /** What the state remembers of a price or stock retracted with its product, in place of a fingerprint. */
  static final String RETRACTED = "retracted";

  private static CanonicalRecord tombstone(CanonicalEntity entity, String key, CanonicalRecord cause) {
    return new CanonicalRecord(entity, key, null, cause.eventId(), cause.sourceTime());
  }

  /** {@code {provider}:{tenant}:{product id}} of a product, price or stock record; null for others or when unknown. */
  private static String productOf(CanonicalRecord record) {
    SpecificRecord value = record.value();
    String productId = switch (record.entity()) {
      case PRODUCT -> ((Product) value).getId();
      case PRICE -> ((Price) value).getProductId();
      case STOCK -> ((Stock) value).getProductId();
      default -> null;
    };
    if (productId == null || productId.isEmpty()) {
      return null;
    }
    Metadata metadata = LastEmitted.metadataOf(value);
    return metadata.getProvider() + ":" + metadata.getTenant() + ":" + productId;
  }


  private static boolean isDeletion(CanonicalRecord record) {
    return record.entity() != CanonicalEntity.EVENT && LastEmitted.metadataOf(record.value()).getAction() == Action.DELETED;
  }
}
