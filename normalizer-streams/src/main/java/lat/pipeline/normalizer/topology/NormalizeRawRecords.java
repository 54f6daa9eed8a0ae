package lat.pipeline.normalizer.topology;

import java.time.Duration;
import lat.pipeline.normalizer.health.NormalizerMetrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The topology's step of {@link NormalizationPath}: each canonical record to emit goes on keyed by
 * its entity, a dead letter goes on with its reason, and what is not emitted is counted. Both stores
 * are local to the task: raw records are keyed by tenant, so every event of an entity reaches the
 * same task, in order.
 */
final class NormalizeRawRecords implements Processor<String, byte[], String, Normalized> {

  private final NormalizationPath path;
  private final String seenEventsStore;
  private final String lastEmittedStore;
  private final Duration retention;
  private final NormalizerMetrics metrics;
  private ProcessorContext<String, Normalized> context;
  private NormalizationPath.State state;

  NormalizeRawRecords(
      NormalizationPath path, String seenEventsStore, String lastEmittedStore, Duration retention, NormalizerMetrics metrics) {
    this.path = path;
    this.seenEventsStore = seenEventsStore;
    this.lastEmittedStore = lastEmittedStore;
    this.retention = retention;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Normalized> context) {
    this.context = context;
    SeenEventIds seen = new SeenEventIds(context.getStateStore(seenEventsStore), retention);
    KeyValueStore<String, String> lastEmitted = context.getStateStore(lastEmittedStore);
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
    };
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata source = context.recordMetadata().orElseThrow();
    NormalizationPath.Outcome outcome = path.normalize(new NormalizationPath.RawRecord(source.topic(), source.partition(),
        source.offset(), record.timestamp(), record.headers(), record.value()), state);
    String provider = path.mapper().provider();
    if (outcome instanceof NormalizationPath.DeadLetter dead) {
      context.forward(record.withValue(new Normalized.DeadLetter(dead.step(), dead.reason(),
          record.value() == null ? new byte[0] : record.value())));
    } else if (outcome instanceof NormalizationPath.Records records) {
      records.skipped().forEach(skip -> metrics.skipped(provider, skip));
      records.emit().forEach(canonical ->
          context.forward(record.withKey(canonical.key()).withValue(new Normalized.Canonical(canonical))));
    }
  }
}
