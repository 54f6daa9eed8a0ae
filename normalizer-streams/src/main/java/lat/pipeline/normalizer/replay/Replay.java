package lat.pipeline.normalizer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.topology.NormalizationPath;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topic;

/**
 * {@code ./pipeline replay}: re-normalizes a provider's raw events received in a window through the
 * topology's own path ({@link NormalizationPath}), starting from the latest record emitted for each
 * entity, so a replay after a mapper fix publishes just the corrections. It reads the canonical
 * topics' latest record per key into a local store first (off the heap: memory stays bounded
 * however long the raw topic is kept); it never calls a provider's API (Bsale is mapped from
 * {@code raw.bsale.resources}). Bounded: it stops where the raw topic ended when it started.
 *
 * <p>As in the topology, a record is not emitted when it equals the entity's last state, is older
 * than it (at the source, or an earlier raw record of the same partition: a replay never moves an
 * entity back to an earlier version), or repeats an event id; these count as unchanged. What
 * cannot be mapped is dead-lettered.
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

  private final KafkaClients kafka;
  private final Duration dedupeRetention;
  private final Consumer<String> progress;

  public Replay(KafkaClients kafka, Duration dedupeRetention, Consumer<String> progress) {
    this.kafka = kafka;
    this.dedupeRetention = dedupeRetention;
    this.progress = progress;
  }

  public Summary run(ProviderMapper mapper, Window window) {
    String keyPrefix = mapper.provider() + ":" + (window.tenant() == null ? "" : window.tenant() + ":");
    NormalizationPath path = new NormalizationPath(mapper);
    Counts counts = new Counts();
    Topic<String, byte[]> raw = mapper.rawTopic();
    try (LocalState state = new LocalState(dedupeRetention).loadCanonical(kafka, keyPrefix);
         CanonicalWriter writer = new CanonicalWriter(kafka)) {
      progress.accept("Known canonical state: " + state.entitiesWritten() + " records of " + keyPrefix + "*");
      BoundedRead.of(kafka, raw.name(), window.from(), window.to()).forEach(record -> {
        String tenant = RawRecords.tenantOf(record.headers());
        // A record without a tenant belongs to no window's tenant, yet must not vanish: the path dead-letters it.
        if (window.tenant() == null || tenant == null || window.tenant().equals(tenant)) {
          counts.read++;
          NormalizationPath.RawRecord rawRecord = new NormalizationPath.RawRecord(record.topic(), record.partition(),
              record.offset(), record.timestamp(), record.headers(), record.value());
          CanonicalWriter.Source source = new CanonicalWriter.Source(
              record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), rawRecord);
          writer.write(path.normalize(rawRecord, state), source, counts);
          counts.report(progress);
        }
      });
      writer.flush();
    }
    return counts.summary();
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
