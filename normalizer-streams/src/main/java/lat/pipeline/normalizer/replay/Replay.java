package lat.pipeline.normalizer.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
  private final int workers;
  private final Consumer<String> progress;

  /** One worker per core, each with its share of the raw topic's partitions. */
  public Replay(KafkaClients kafka, Duration dedupeRetention, Consumer<String> progress) {
    this(kafka, dedupeRetention, Runtime.getRuntime().availableProcessors(), progress);
  }

  /** @param workers how many of the raw topic's partitions are replayed at once (at most one worker each) */
  public Replay(KafkaClients kafka, Duration dedupeRetention, int workers, Consumer<String> progress) {
    if (workers < 1) {
      throw new IllegalArgumentException("A replay needs at least one worker, not " + workers);
    }
    this.kafka = kafka;
    this.dedupeRetention = dedupeRetention;
    this.workers = workers;
    this.progress = progress;
  }

  public Summary run(ProviderMapper mapper, Window window) {
    String keyPrefix = mapper.provider() + ":" + (window.tenant() == null ? "" : window.tenant() + ":");
    Counts counts = new Counts();
    Topic<String, byte[]> raw = mapper.rawTopic();
    try (LocalState state = new LocalState(dedupeRetention).loadCanonical(kafka, keyPrefix);
         CanonicalWriter writer = new CanonicalWriter(kafka)) {
      progress.accept("Known canonical state: " + state.entitiesWritten() + " records of " + keyPrefix + "*");
      List<BoundedRead> parts = BoundedRead.of(kafka, raw.name(), window.from(), window.to()).split(workers);
      inParallel(parts.stream().<Runnable>map(part -> () -> replay(part, new NormalizationPath(mapper), window, state, writer, counts))
          .toList());
      writer.flush();
    }
    return counts.summary();
  }

  /** One worker's partitions, each in offset order. */
  private void replay(BoundedRead part, NormalizationPath path, Window window, LocalState state, CanonicalWriter writer,
      Counts counts) {
    part.forEach(record -> {
      String tenant = RawRecords.tenantOf(record.headers());
      // A record without a tenant belongs to no window's tenant, yet must not vanish: the path dead-letters it.
      if (window.tenant() == null || tenant == null || window.tenant().equals(tenant)) {
        counts.read();
        NormalizationPath.RawRecord rawRecord = new NormalizationPath.RawRecord(record.topic(), record.partition(),
            record.offset(), record.timestamp(), record.headers(), record.value());
        CanonicalWriter.Source source = new CanonicalWriter.Source(
            record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), rawRecord);
        writer.write(path.normalize(rawRecord, state), source, counts);
        counts.report(progress);
      }
    });
  }

  /**
   * Runs every task on its own thread; the first failure stops the others and is thrown once they
   * have stopped, so that no worker still uses the local store or the writer as they close.
   */
  private static void inParallel(List<Runnable> tasks) {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size(), runnable -> {
      Thread thread = new Thread(runnable, "replay-worker");
      thread.setDaemon(true);
      return thread;
    });
    try {
      CompletionService<Void> done = new ExecutorCompletionService<>(pool);
      tasks.forEach(task -> done.submit(task, null));
      for (int i = 0; i < tasks.size(); i++) {
        done.take().get();
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Replay interrupted", e);
    } finally {
      pool.shutdownNow();
      awaitStopped(pool);
    }
  }

  /** Waits however long the workers take to see the interrupt (each looks for it between records). */
  private static void awaitStopped(ExecutorService pool) {
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.SECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Counters, shared by the workers, with a progress line every two seconds. */
  static final class Counts {
    private static final long REPORT_EVERY_NANOS = 2_000_000_000L;

    private final LongAdder read = new LongAdder();
    private final LongAdder emitted = new LongAdder();
    private final LongAdder unchanged = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final AtomicLong lastReport = new AtomicLong(System.nanoTime());

    void read() {
      read.increment();
    }

    void emitted() {
      emitted.increment();
    }

    void unchanged(int records) {
      unchanged.add(records);
    }

    void deadLettered() {
      deadLettered.increment();
    }

    void report(Consumer<String> progress) {
      long last = lastReport.get();
      long now = System.nanoTime();
      if (now - last > REPORT_EVERY_NANOS && lastReport.compareAndSet(last, now)) {
        progress.accept("… " + summary());
      }
    }

    Summary summary() {
      return new Summary(read.sum(), emitted.sum(), unchanged.sum(), deadLettered.sum());
    }
  }
}
