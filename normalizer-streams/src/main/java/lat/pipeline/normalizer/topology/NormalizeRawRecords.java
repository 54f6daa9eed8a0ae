package lat.pipeline.normalizer.topology;

import java.time.Duration;
import java.util.List;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.dedupe.SeenEventIds;
import lat.pipeline.normalizer.health.NormalizerMetrics;
import lat.pipeline.schemas.FetchRequests;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The topology's step of {@link NormalizationPath}: each canonical record to emit goes on keyed by
 * its entity, a dead letter goes on with its reason, and what is not emitted is counted. Both stores
 * are local to the task: raw records are keyed by tenant, so every event of an entity reaches the
 * same task, in order. With a variant join, the variant table and the held records are two more
 * task-local stores (a variant's fetch is keyed by tenant too, so its answer returns to this task),
 * and each variant fetch to request goes on as a {@link Normalized.FetchRequest}. A wall-clock
 * punctuator dead-letters the raw records of held records that waited longer than the limit
 * ({@link HeldTimeLimit}).
 */
final class NormalizeRawRecords implements Processor<String, byte[], String, Normalized> {

  /** Between the entity keys of one product's prices and stock (keys never hold a newline). */
  private static final String DEPENDENTS_SEPARATOR = "\n";

  private final NormalizationPath path;
  private final Duration retention;
  private final Duration heldMax;
  private final NormalizerMetrics metrics;
  private final Stores stores;
  private ProcessorContext<String, Normalized> context;
  private NormalizationPath.State state;

  /** The names of the stores; {@code variants} and {@code held} are null without a variant join. */
  record Stores(String seenEvents, String lastEmitted, String dependents, String variants, String held) {}

  NormalizeRawRecords(NormalizationPath path, Stores stores, Duration retention, Duration heldMax, NormalizerMetrics metrics) {
    this.path = path;
    this.stores = stores;
    this.retention = retention;
    this.heldMax = heldMax;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Normalized> context) {
    this.context = context;
    SeenEventIds seen = new SeenEventIds(context.getStateStore(stores.seenEvents()), retention);
    KeyValueStore<String, String> lastEmitted = context.getStateStore(stores.lastEmitted());
    KeyValueStore<String, String> dependents = context.getStateStore(stores.dependents());
    KeyValueStore<String, String> variants = stores.variants() == null ? null : context.getStateStore(stores.variants());
    KeyValueStore<String, byte[]> held = stores.held() == null ? null : context.getStateStore(stores.held());
    this.state = new NormalizationPath.State() {
      @Override
      public boolean firstSighting(String eventId, long now) {
        return seen.firstSighting(eventId, now);
      }

      @Override
      public LastEmitted lastEmitted(String entityKey) {
        String last = lastEmitted.get(entityKey);
        return last == null ? null : LastEmitted.decode(last);
      }

      @Override
      public void emitted(String entityKey, LastEmitted last) {
        lastEmitted.put(entityKey, last.encode());
      }

      @Override
      public void dependentEmitted(String product, String entityKey) {
        String known = dependents.get(product);
        if (known == null || !List.of(known.split(DEPENDENTS_SEPARATOR)).contains(entityKey)) {
          dependents.put(product, known == null ? entityKey : known + DEPENDENTS_SEPARATOR + entityKey);
        }
      }

      @Override
      public List<String> dependents(String product) {
        String known = dependents.delete(product);
        return known == null ? List.of() : List.of(known.split(DEPENDENTS_SEPARATOR));
      }

      @Override
      public VariantJoin.KnownVariant variant(String variantKey) {
        String known = variants == null ? null : variants.get(variantKey);
        return known == null ? null : VariantJoin.KnownVariant.decode(known);
      }

      @Override
      public void variantEmitted(String variantKey, VariantJoin.KnownVariant variant) {
        variants.put(variantKey, variant.encode());
      }

      @Override
      public boolean holds() {
        return held != null;
      }

      @Override
      public boolean hold(String variantKey, NormalizationPath.Held record) {
        List<NormalizationPath.Held> waiting = HeldRecords.decode(held.get(variantKey));
        waiting.add(record);
        held.put(variantKey, HeldRecords.encode(waiting));
        return waiting.size() == 1;
      }

      @Override
      public long wallClockMillis() {
        return context.currentSystemTimeMs();
      }

      @Override
      public List<NormalizationPath.Held> release(String variantKey) {
        return held == null ? List.of() : HeldRecords.decode(held.delete(variantKey));
      }
    };
    if (held != null) {
      context.schedule(HeldTimeLimit.checkEvery(heldMax), PunctuationType.WALL_CLOCK_TIME,
          now -> new HeldTimeLimit(held, heldMax).expire(now).forEach(this::deadLetterExpired));
    }
  }

  /** A raw record whose held records waited too long goes to the dead letters as it was read, to be re-driven. */
  private void deadLetterExpired(HeldTimeLimit.Expired expired) {
    NormalizationPath.RawRecord source = expired.source();
    context.forward(new Record<String, Normalized>(expired.tenant(), new Normalized.DeadLetter(NormalizationPath.STEP_JOIN,
        expired.reason(), source.value() == null ? new byte[0] : source.value(),
        new Normalized.Place(source.topic(), source.partition(), source.offset())), source.timestamp(), source.headers()));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata source = context.recordMetadata().orElseThrow();
    NormalizationPath.Outcome outcome = path.normalize(new NormalizationPath.RawRecord(source.topic(), source.partition(),
        source.offset(), record.timestamp(), record.headers(), record.value()), state);
    String provider = path.mapper().provider();
    if (outcome instanceof NormalizationPath.DeadLetter dead) {
      context.forward(record.withValue(new Normalized.DeadLetter(dead.step(), dead.reason(),
          record.value() == null ? new byte[0] : record.value(), null)));
    } else if (outcome instanceof NormalizationPath.Records records) {
      records.skipped().forEach(skip -> {
        switch (skip) {
          case DUPLICATE -> metrics.duplicate(provider);
          case STALE -> metrics.stale(provider);
          case UNCHANGED -> metrics.unchanged(provider);
        }
      });
      metrics.held(provider, records.held());
      records.emit().forEach(canonical ->
          context.forward(record.withKey(canonical.key()).withValue(new Normalized.Canonical(canonical))));
      for (FetchRequests.Request fetch : records.fetch()) {
        context.forward(record.withKey(fetch.tenant()).withValue(new Normalized.FetchRequest(FetchRequests.encode(fetch)))
            .withHeaders(FetchRequests.headers(record.headers(), fetch)));
      }
    }
  }
}
