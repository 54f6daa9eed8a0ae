package lat.pipeline.console.data;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.normalizer.replay.Redrive;
import lat.pipeline.normalizer.replay.Replay;
import lat.pipeline.kafka.CanonicalRegistry;
import lat.pipeline.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator can do: re-drive chosen dead letters ({@link Redrive#redrive}, the command's
 * path) and replay a window ({@link Replay}, in the background, one at a time, with its progress).
 * Both write canonical records through the registry's serdes, set up before the first action.
 */
public final class Operations implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Operations.class);
  static final int KEPT_JOBS = 20;
  static final int KEPT_PROGRESS_LINES = 200;

  /** What re-driving one dead letter gave. */
  public record Outcome(Redrive.Selected place, String text, boolean resolved) {}

  /** A replay, running or done. */
  public static final class ReplayJob {
    private final int id;
    private final Replay.Window window;
    private final Instant started;
    private final List<String> progress = Collections.synchronizedList(new ArrayList<>());
    private volatile Instant finished;
    private volatile Replay.Summary summary;
    private volatile String error;

    ReplayJob(int id, Replay.Window window, Instant started) {
      this.id = id;
      this.window = window;
      this.started = started;
    }

    public int id() {
      return id;
    }

    public Replay.Window window() {
      return window;
    }

    public Instant started() {
      return started;
    }

    public Instant finished() {
      return finished;
    }

    public Replay.Summary summary() {
      return summary;
    }

    public String error() {
      return error;
    }

    public boolean running() {
      return finished == null;
    }

    public List<String> progress() {
      synchronized (progress) {
        return List.copyOf(progress);
      }
    }

    void note(String line) {
      synchronized (progress) {
        if (progress.size() >= KEPT_PROGRESS_LINES) {
          progress.remove(1);
        }
        progress.add(line);
      }
    }
  }

  private final KafkaClients kafka;
  private final CanonicalRegistry schemaRegistry;
  private final TenantSettings tenantSettings;
  private final Duration dedupeRetention;
  private final Resolutions resolutions;
  private final Clock clock;
  private final ExecutorService replays = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "console-replay");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<Integer, ReplayJob> jobs = Collections.synchronizedMap(new LinkedHashMap<>());
  private final AtomicInteger nextJob = new AtomicInteger(1);
  private boolean serdesReady;

  public Operations(KafkaClients kafka, CanonicalRegistry schemaRegistry, TenantSettings tenantSettings, Duration dedupeRetention,
      Resolutions resolutions, Clock clock) {
    this.kafka = kafka;
    this.schemaRegistry = schemaRegistry;
    this.tenantSettings = tenantSettings;
    this.dedupeRetention = dedupeRetention;
    this.resolutions = resolutions;
    this.clock = clock;
  }

  /** As {@code ./pipeline redrive} does at start: the canonical schemas registered, the serdes pointed at the registry. */
  private synchronized void prepareSerdes() throws InterruptedException {
    if (!serdesReady) {
      CanonicalRegistry registry = schemaRegistry;
      try {
        registry.registerCanonicalSchemas();
      } catch (java.io.IOException e) {
        throw new IllegalStateException("The schema registry did not take the canonical schemas: " + e.getMessage(), e);
      }
      Topics.configureCanonicalSerdes(registry.serdeConfig());
      serdesReady = true;
    }
  }

  /**
   * Re-drives the dead letters, one re-drive at a time; each one read is then recorded as resolved,
   * whatever it gave (one that fails again is a new dead letter with its new reason).
   *
   * @throws IllegalStateException when a write failed: nothing is recorded as resolved
   */
  public synchronized List<Outcome> redrive(List<Redrive.Selected> selected) throws InterruptedException {
    prepareSerdes();
    LOG.info("Operator re-drive of {} dead letter(s): {}", selected.size(), selected.stream().map(Resolutions::key).toList());
    Map<Redrive.Selected, Replay.Summary> results =
        new Redrive(kafka, dedupeRetention, ProviderMappers.all(tenantSettings), line -> {}).redrive(selected);
    List<Outcome> outcomes = new ArrayList<>();
    for (Map.Entry<Redrive.Selected, Replay.Summary> result : results.entrySet()) {
      String text = describe(result.getValue());
      boolean read = result.getValue().read() > 0;
      if (read) {
        resolutions.resolve(result.getKey(), clock.instant() + " " + text);
      }
      outcomes.add(new Outcome(result.getKey(), text, read));
    }
    LOG.info("Operator re-drive done: {}", outcomes.stream().map(o -> Resolutions.key(o.place()) + " " + o.text()).toList());
    return outcomes;
  }

  static String describe(Replay.Summary summary) {
    if (summary.read() == 0) {
      return "not found: no dead letter at that place any more (retention)";
    }
    if (summary.deadLettered() > 0) {
      return "failed again: dead-lettered anew with its new reason (in the list)";
    }
    if (summary.emitted() > 0) {
      return "re-driven: " + summary.emitted() + " canonical record(s) written";
    }
    return "re-driven: nothing to write (a duplicate, no change, or older than its entity's latest state)";
  }

  public ReplayJob replay(String provider, String tenant, Instant from, Instant to) {
    ProviderMapper mapper = ProviderMappers.forProvider(provider, tenantSettings)
        .orElseThrow(() -> new IllegalArgumentException("no such provider: " + provider));
    ReplayJob job = new ReplayJob(nextJob.getAndIncrement(), new Replay.Window(provider, tenant, from, to), clock.instant());
    synchronized (jobs) {
      jobs.put(job.id(), job);
      while (jobs.size() > KEPT_JOBS) {
        Integer oldest = jobs.keySet().iterator().next();
        if (jobs.get(oldest).running()) {
          break;
        }
        jobs.remove(oldest);
      }
    }
    job.note("Waiting for the replay before it to finish …");
    replays.submit(() -> {
      try {
        prepareSerdes();
        LOG.info("Operator replay #{}: {}", job.id(), job.window());
        job.note("Replaying " + mapper.rawTopic().name() + " for " + (tenant == null ? "every tenant" : "tenant " + tenant)
            + " from " + from + " to " + (to == null ? "the end at start" : to.toString()));
        job.summary = new Replay(kafka, dedupeRetention, job::note).run(mapper, job.window());
        job.note("Done: " + job.summary);
        LOG.info("Operator replay #{} done: {}", job.id(), job.summary);
      } catch (InterruptedException e) {
        job.error = "stopped with the console";
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        job.error = e.getClass().getSimpleName() + ": " + e.getMessage();
        job.note("Failed: " + job.error);
        LOG.warn("Operator replay #{} failed", job.id(), e);
      } finally {
        job.finished = clock.instant();
      }
    });
    return job;
  }

  public Optional<ReplayJob> job(int id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Newest first. */
  public List<ReplayJob> jobs() {
    synchronized (jobs) {
      List<ReplayJob> all = new ArrayList<>(jobs.values());
      Collections.reverse(all);
      return all;
    }
  }

  @Override
  public void close() throws InterruptedException {
    replays.shutdownNow();
    replays.awaitTermination(10, TimeUnit.SECONDS);
  }
}
