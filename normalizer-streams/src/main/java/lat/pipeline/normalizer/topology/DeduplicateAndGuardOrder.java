package lat.pipeline.normalizer.topology;

import java.time.Duration;
import lat.pipeline.normalizer.health.NormalizerMetrics;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Emits each canonical record once: an event id seen within the retention is a redelivery and is
 * counted, not emitted; a record whose source time is older than the last one applied to the same
 * entity is stale and is counted, not emitted. Both stores are local to the task: raw records are
 * keyed by tenant, so every event of an entity reaches the same task, in order.
 */
final class DeduplicateAndGuardOrder implements Processor<String, Normalized.Canonical, String, CanonicalRecord> {

  private final String seenEventsStore;
  private final String latestSourceTimeStore;
  private final Duration retention;
  private final NormalizerMetrics metrics;
  private final String provider;
  private ProcessorContext<String, CanonicalRecord> context;
  private SeenEventIds seenEvents;
  private KeyValueStore<String, Long> latestSourceTime;

  DeduplicateAndGuardOrder(
      String provider, String seenEventsStore, String latestSourceTimeStore, Duration retention, NormalizerMetrics metrics) {
    this.provider = provider;
    this.seenEventsStore = seenEventsStore;
    this.latestSourceTimeStore = latestSourceTimeStore;
    this.retention = retention;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, CanonicalRecord> context) {
    this.context = context;
    this.seenEvents = new SeenEventIds(context.getStateStore(seenEventsStore), retention);
    this.latestSourceTime = context.getStateStore(latestSourceTimeStore);
  }

  @Override
  public void process(Record<String, Normalized.Canonical> record) {
    CanonicalRecord canonical = record.value().record();
    long now = record.timestamp();
    if (!seenEvents.firstSighting(canonical.eventId(), now)) {
      metrics.duplicate(provider);
      return;
    }
    if (canonical.sourceTime() != null) {
      long sourceTime = canonical.sourceTime().toEpochMilli();
      String entity = canonical.entityKey();
      Long applied = latestSourceTime.get(entity);
      if (applied != null && applied > sourceTime) {
        metrics.stale(provider);
        return;
      }
      latestSourceTime.put(entity, sourceTime);
    }
    context.forward(record.withValue(canonical));
  }
}
