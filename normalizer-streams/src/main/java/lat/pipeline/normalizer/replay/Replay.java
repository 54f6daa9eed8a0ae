package lat.pipeline.normalizer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.topology.CanonicalTopics;
import lat.pipeline.normalizer.topology.RawRecords;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import lat.pipeline.schemas.canonical.Metadata;
import org.apache.avro.specific.SpecificRecord;

/**
 * {@code ./pipeline replay}: re-normalizes a provider's raw events received in a window and emits a
 * canonical record only where the result differs from what was emitted for that entity before, so
 * a replay after a mapper fix publishes just the corrections. It reads the canonical topics first
 * to learn what was emitted; it never calls a provider's API (Bsale is mapped from
 * {@code raw.bsale.resources}). Bounded: it stops where the raw topic ended when it started.
 *
 * <p>Per entity, a replayed record is "unchanged" when its content equals a version emitted before;
 * once one record of an entity is emitted, every later one of that entity in the window is emitted
 * too, so the entity's last state is the replay's last state. The stale guard and the event-id
 * dedupe apply as in the topology.
 */
public final class Replay {

  /** What to replay. {@code tenant} may be null (every tenant); {@code to} may be null (up to now). */
  public record Window(String provider, String tenant, Instant from, Instant to) {}

  /** What a replay or a re-drive did. */
  public record Summary(long read, long emitted, long unchanged, long deadLettered) {
    @Override
    public String toString() {
      return "read " + read + ", emitted " + emitted + ", unchanged " + unchanged + ", dead-lettered " + deadLettered;
    }
  }

  private final String bootstrapServers;
  private final Consumer<String> progress;

  public Replay(String bootstrapServers, Consumer<String> progress) {
    this.bootstrapServers = bootstrapServers;
    this.progress = progress;
  }

  public Summary run(ProviderMapper mapper, Window window) throws InterruptedException {
    String keyPrefix = mapper.provider() + ":" + (window.tenant() == null ? "" : window.tenant() + ":");
    EmittedState emitted = readEmitted(keyPrefix);
    progress.accept("Known canonical state: " + emitted.versions.size() + " entities of " + keyPrefix + "*");
    Counts counts = new Counts();
    Set<String> seenEventIds = new HashSet<>();
    Topic<String, byte[]> raw = mapper.rawTopic();
    try (CanonicalWriter writer = new CanonicalWriter(bootstrapServers)) {
      BoundedRead.of(bootstrapServers, raw.name(), window.from(), window.to()).forEach(record -> {
        Optional<RawEvent> event = RawRecords.toRawEvent(mapper.provider(), record.headers(), record.timestamp(),
            record.topic(), record.partition(), record.offset(), record.value());
        CanonicalWriter.Source source = new CanonicalWriter.Source(record.topic(), record.partition(), record.offset(),
            record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), record.value(), record.headers());
        if (event.isEmpty()) {
          counts.read++;
          writer.deadLetter(source, "headers", "The record has no tenant header");
          counts.deadLettered++;
        } else if (window.tenant() == null || window.tenant().equals(event.get().tenant())) {
          counts.read++;
          replayOne(mapper.map(event.get()), source, writer, emitted, seenEventIds, counts);
        }
        counts.report(progress);
      });
      writer.flush();
    }
    return counts.summary();
  }

  private static void replayOne(MappingResult result, CanonicalWriter.Source source, CanonicalWriter writer,
      EmittedState emitted, Set<String> seenEventIds, Counts counts) {
    if (result instanceof MappingResult.Failed failed) {
      writer.deadLetter(source, failed.step(), failed.reason());
      counts.deadLettered++;
      return;
    }
    for (CanonicalRecord record : ((MappingResult.Mapped) result).records()) {
      String entity = record.entityKey();
      String fingerprint = ContentFingerprint.of(record.value());
      boolean duplicate = !seenEventIds.add(record.eventId());
      boolean stale = record.sourceTime() != null
          && emitted.latestSourceTime.getOrDefault(entity, Long.MIN_VALUE) > record.sourceTime().toEpochMilli();
      boolean alreadyEmitted = !emitted.diverged.contains(entity)
          && emitted.versions.getOrDefault(entity, Set.of()).contains(fingerprint);
      if (duplicate || stale || alreadyEmitted) {
        counts.unchanged++;
        continue;
      }
      if (writer.write(record, source)) {
        counts.emitted++;
        emitted.diverged.add(entity);
        if (record.sourceTime() != null) {
          emitted.latestSourceTime.put(entity, record.sourceTime().toEpochMilli());
        }
      } else {
        counts.deadLettered++;
      }
    }
  }

  /** Every version emitted so far for the provider's (and tenant's) entities, from the canonical topics. */
  private EmittedState readEmitted(String keyPrefix) {
    EmittedState state = new EmittedState();
    for (Topic<String, ? extends SpecificRecord> topic : Topics.CANONICAL) {
      CanonicalEntity entityType = entityOf(topic);
      BoundedRead.of(bootstrapServers, topic.name(), null, null).forEach(record -> {
        if (record.key() == null || !record.key().startsWith(keyPrefix)) {
          return;
        }
        SpecificRecord value = topic.valueSerde().deserializer().deserialize(topic.name(), record.headers(), record.value());
        String entity = CanonicalRecord.entityKey(entityType, record.key());
        state.versions.computeIfAbsent(entity, e -> new HashSet<>()).add(ContentFingerprint.of(value));
        Metadata metadata = (Metadata) value.get(value.getSchema().getField("metadata").pos());
        if (metadata.getOccurredAt() != null) {
          state.latestSourceTime.merge(entity, metadata.getOccurredAt().toEpochMilli(), Math::max);
        }
      });
    }
    return state;
  }

  private static CanonicalEntity entityOf(Topic<String, ? extends SpecificRecord> topic) {
    for (CanonicalEntity entity : CanonicalEntity.values()) {
      if (CanonicalTopics.of(entity) == topic) {
        return entity;
      }
    }
    throw new IllegalStateException("No entity for " + topic.name());
  }

  private static final class EmittedState {
    final Map<String, Set<String>> versions = new HashMap<>();
    final Map<String, Long> latestSourceTime = new HashMap<>();
    final Set<String> diverged = new HashSet<>();
  }

  /** Counters with a progress line every two seconds. */
  static final class Counts {
    long read;
    long emitted;
    long unchanged;
    long deadLettered;
    private long lastReport = System.nanoTime();

    void report(Consumer<String> progress) {
      if (System.nanoTime() - lastReport > 2_000_000_000L) {
        lastReport = System.nanoTime();
        progress.accept("… " + summary());
      }
    }

    Summary summary() {
      return new Summary(read, emitted, unchanged, deadLettered);
    }
  }

}
