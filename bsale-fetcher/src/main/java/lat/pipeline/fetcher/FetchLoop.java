package lat.pipeline.fetcher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import lat.pipeline.fetcher.ResourceFetcher.Outcome;
import lat.pipeline.fetcher.client.BsaleTokens;
import lat.pipeline.fetcher.coalesce.Coalescer;
import lat.pipeline.fetcher.coalesce.PendingFetch;
import lat.pipeline.fetcher.limits.CompanyLimits;
import lat.pipeline.fetcher.parking.ParkingLot;
import lat.pipeline.fetcher.request.FetchRequest;
import lat.pipeline.kafka.ConsumerLag;
import lat.pipeline.schemas.UnreadableRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetcher's one thread of control: it owns the consumer and every piece of state (coalescing
 * windows, per-company queues, the parking lot, the offset tracker); HTTP and the producer run
 * asynchronously and hand their outcomes back through a queue. Each turn: poll, take the records in,
 * apply finished fetches, move due windows to their company's queue, dispatch within the global and
 * per-company bounds (round robin over companies), re-check parked companies, commit.
 *
 * <p>Where a record can be held but never dropped: a record that is not a fetch request, or whose
 * company is not bound to the tenant it arrived on, is committed only once it is written to the
 * dead-letter topic with the reason (and is never fetched); everything else only once its answer
 * is written. A company Bsale does not answer for (refused token, outage) is parked, not given up.
 */
final class FetchLoop implements Runnable, ConsumerRebalanceListener {

  private static final Logger LOG = LoggerFactory.getLogger(FetchLoop.class);
  private static final Duration POLL = Duration.ofMillis(20);
  /** The loop turns every few milliseconds; the lag gauge needs no more than a reading a second. */
  private static final Duration LAG_READING_EVERY = Duration.ofSeconds(1);
  private static final Duration COMMIT_EVERY = Duration.ofMillis(200);

  private final Consumer<String, byte[]> consumer;
  private final String requestsTopic;
  private final ResourceFetcher fetcher;
  private final DeadLetterWriter deadLetters;
  private final BsaleTokens tokens;
  private final CompanyTenants tenants;
  private final FetcherMetrics metrics;
  private final int maxConcurrency;
  private final int maxPerCompany;
  private final int maxBuffered;
  private final Duration recheck;

  private final Coalescer coalescer;
  private final ParkingLot parking;
  private final OffsetTracker offsets = new OffsetTracker();
  private final Map<String, ArrayDeque<PendingFetch>> queues = new LinkedHashMap<>();
  private final Map<String, Integer> inFlightByCompany = new HashMap<>();
  private final Queue<Runnable> finished = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private volatile boolean exited;
  private volatile boolean assigned;
  private volatile Instant lastPoll = Instant.now();
  private int inFlight;
  private boolean paused;
  private Instant lastCommit = Instant.EPOCH;
  private Instant lastLagReading = Instant.EPOCH;
  private Instant nextTokenReload;

  FetchLoop(Consumer<String, byte[]> consumer, String requestsTopic, ResourceFetcher fetcher,
      DeadLetterWriter deadLetters, FetcherMetrics metrics, FetcherConfig config) {
    this.consumer = consumer;
    this.requestsTopic = requestsTopic;
    this.fetcher = fetcher;
    this.deadLetters = deadLetters;
    this.tokens = config.tokens();
    this.tenants = config.companyTenants();
    this.metrics = metrics;
    this.maxConcurrency = config.maxConcurrency();
    this.maxPerCompany = config.maxConcurrencyPerCompany();
    this.maxBuffered = config.maxBuffered();
    this.recheck = config.parkedRecheck();
    this.coalescer = new Coalescer(config.coalesceWindow());
    this.parking = new ParkingLot(config.parkedRecheck());
    this.nextTokenReload = Instant.now().plus(recheck);
  }

  @Override
  public void run() {
    consumer.subscribe(List.of(requestsTopic), this);
    try {
      while (running.get()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        lastPoll = Instant.now();
        Instant now = Instant.now();
        for (ConsumerRecord<String, byte[]> record : records) {
          takeIn(record, now);
        }
        applyFinished();
        coalescer.due(now).forEach(this::enqueue);
        recheckParked(now);
        dispatch();
        backpressure();
        metrics.load(inFlight, buffered());
        if (Duration.between(lastLagReading, now).compareTo(LAG_READING_EVERY) >= 0) {
          metrics.consumerLag(requestsTopic, ConsumerLag.records(consumer.metrics(), requestsTopic, clientId -> true));
          lastLagReading = now;
        }
        metrics.parkedWaiting(parking.waitingByCompany());
        if (Duration.between(lastCommit, now).compareTo(COMMIT_EVERY) >= 0) {
          commitAsync();
          lastCommit = now;
        }
      }
    } catch (WakeupException stopping) {
      // close() woke the poll up
    } catch (RuntimeException e) {
      LOG.error("The fetch loop failed", e);
      throw e;
    } finally {
      drainInFlight(Duration.ofSeconds(10));
      try {
        consumer.commitSync(offsets.all(), Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        LOG.warn("Could not commit offsets on the way out: {}", e.toString());
      }
      consumer.close(java.time.Duration.ofSeconds(5));
      exited = true;
    }
  }

  void stop() {
    running.set(false);
    consumer.wakeup();
  }

  boolean ready() {
    return alive() && assigned && Duration.between(lastPoll, Instant.now()).toSeconds() < 30;
  }

  /** False once the loop has ended, whether stopped or failed: nothing reads any more. */
  boolean alive() {
    return running.get() && !exited;
  }

  private void takeIn(ConsumerRecord<String, byte[]> record, Instant now) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    offsets.taken(partition, record.offset());
    FetchRequest request;
    try {
      request = FetchRequest.from(record, now);
    } catch (UnreadableRecord e) {
      deadLetter(record, "decode", "Not a fetch request: " + e.getMessage());
      return;
    }
    Optional<String> refusal = tenants.refusal(request.companyId(), request.tenant());
    if (refusal.isPresent()) {
      deadLetter(record, "tenant", refusal.get());
      return;
    }
    if (coalescer.add(request, now)) {
      metrics.coalesced(request.companyId());
    }
  }

  /** Done once written; a failed write is tried again while the partition is still ours. */
  private void deadLetter(ConsumerRecord<String, byte[]> record, String step, String reason) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    LOG.warn("{}-{}@{} dead-lettered unfetched: {}", record.topic(), record.partition(), record.offset(), reason);
    deadLetters.write(record, step, reason).whenComplete((written, error) -> finished.add(() -> {
      if (error == null) {
        offsets.done(partition, record.offset());
      } else if (offsets.owns(partition)) {
        LOG.warn("Could not write a dead letter ({}); trying again", CompanyLimits.describe(CompanyLimits.unwrap(error)));
        deadLetter(record, step, reason);
      }
    }));
  }

  private void enqueue(PendingFetch pending) {
    queues.computeIfAbsent(pending.company(), company -> new ArrayDeque<>()).add(pending);
  }

  /** Round robin over companies, one fetch each per pass, within the global and per-company bounds. */
  private void dispatch() {
    boolean progress = true;
    while (progress && inFlight < maxConcurrency) {
      progress = false;
      for (var entry : queues.entrySet()) {
        String company = entry.getKey();
        ArrayDeque<PendingFetch> queue = entry.getValue();
        if (queue.isEmpty() || inFlight >= maxConcurrency) {
          continue;
        }
        if (parking.isParked(company)) {
          Instant now = Instant.now();
          queue.forEach(pending -> park(pending, "waiting behind the company's parked fetches", now));
          queue.clear();
          continue;
        }
        if (inFlightByCompany.getOrDefault(company, 0) >= maxPerCompany) {
          continue;
        }
        start(queue.poll(), false);
        progress = true;
      }
    }
    queues.values().removeIf(ArrayDeque::isEmpty);
  }

  private void start(PendingFetch pending, boolean probe) {
    String company = pending.company();
    Optional<String> token = tokens.forCompany(company);
    if (token.isEmpty()) {
      Instant now = Instant.now();
      if (probe) {
        parking.probeFailed(pending, "no token configured", true, now);
      } else {
        park(pending, "no token configured for the company", now);
      }
      return;
    }
    inFlight++;
    inFlightByCompany.merge(company, 1, Integer::sum);
    fetcher.fetch(pending, token.get()).whenComplete((outcome, error) ->
        finished.add(() -> finish(pending, probe, outcome, error)));
  }

  private void finish(PendingFetch pending, boolean probe, Outcome outcome, Throwable error) {
    String company = pending.company();
    inFlight--;
    inFlightByCompany.merge(company, -1, Integer::sum);
    Instant now = Instant.now();
    // Not owned: revoked meanwhile, the partition's next owner reads it again. What a probe says
    // about its company holds all the same: the company must not stay parked, or probing, for ever.
    boolean owned = offsets.owns(pending.latest().partition());
    if (outcome instanceof Outcome.Written) {
      if (owned) {
        pending.requests().forEach(request -> offsets.done(request.partition(), request.offset()));
      }
      if (probe) {
        parking.release(company, now).forEach(this::enqueue);
      }
      return;
    }
    String reason;
    if (error != null) {
      // The producer could not write (the broker is gone past its delivery timeout): try again later.
      reason = "could not write the answer: " + CompanyLimits.describe(CompanyLimits.unwrap(error));
      LOG.warn("Company {}: {}; it will be fetched again", company, reason);
    } else {
      reason = ((Outcome.Unavailable) outcome).reason();
    }
    if (probe) {
      parking.probeFailed(pending, reason, owned, now);
    } else if (!owned) {
      return;
    } else if (error != null) {
      enqueue(pending);
    } else {
      park(pending, reason, now);
    }
  }

  private void park(PendingFetch pending, String reason, Instant now) {
    metrics.parked(pending.company(), pending.requests().size());
    parking.park(pending, reason, now);
  }

  private void recheckParked(Instant now) {
    if (!now.isBefore(nextTokenReload)) {
      nextTokenReload = now.plus(recheck);
      if (tokens.reload()) {
        LOG.info("Bsale token files changed; re-checking parked companies now");
        parking.recheckAll(now);
      }
    }
    parking.probesDue(now).forEach(probe -> start(probe, true));
  }

  private void applyFinished() {
    Runnable next;
    while ((next = finished.poll()) != null) {
      next.run();
    }
  }

  private int buffered() {
    return coalescer.size() + queues.values().stream().mapToInt(ArrayDeque::size).sum();
  }

  /** Stops reading while too much waits (parked fetches excepted: they must not stop other companies). */
  private void backpressure() {
    int buffered = buffered();
    if (!paused && buffered >= maxBuffered) {
      consumer.pause(consumer.assignment());
      paused = true;
    } else if (paused && buffered < maxBuffered / 2) {
      consumer.resume(consumer.paused());
      paused = false;
    }
  }

  private void commitAsync() {
    var committable = offsets.committable();
    if (!committable.isEmpty()) {
      consumer.commitAsync(committable, (committed, error) -> {
        if (error != null) {
          LOG.warn("Offset commit failed (the next one covers it): {}", error.toString());
        }
      });
    }
  }

  private void drainInFlight(Duration atMost) {
    Instant until = Instant.now().plus(atMost);
    while (inFlight > 0 && Instant.now().isBefore(until)) {
      applyFinished();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    applyFinished();
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
    applyFinished();
    try {
      consumer.commitSync(offsets.all(), Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      LOG.warn("Could not commit offsets before a rebalance: {}", e.toString());
    }
    offsets.forget(revoked);
    // Whoever owns these partitions next reads their uncommitted records again.
    coalescer.removeIf(pending -> revoked.contains(pending.latest().partition()));
    queues.values().forEach(queue -> queue.removeIf(pending -> revoked.contains(pending.latest().partition())));
    parking.removeIf(pending -> revoked.contains(pending.latest().partition()));
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    assigned = true;
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> lost) {
    offsets.forget(lost);
    coalescer.removeIf(pending -> lost.contains(pending.latest().partition()));
    queues.values().forEach(queue -> queue.removeIf(pending -> lost.contains(pending.latest().partition())));
    parking.removeIf(pending -> lost.contains(pending.latest().partition()));
  }
}
