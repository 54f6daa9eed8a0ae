package lat.pipeline.console.data;

import lat.pipeline.kafka.KafkaClients;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topics;
import lat.pipeline.tools.TopicScan;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traffic per provider and tenant over the last {@link #MINUTES} minutes, counted as it happens:
 * one thread follows the raw topics and {@code dlq.normalizer} from {@link #MINUTES} minutes ago
 * (through the broker's time index) and keeps, per provider and tenant, a count per minute, the last
 * event's time and dead letters per minute. Records are counted and let go: memory is
 * {@link #MINUTES} counters per provider and tenant (at most {@link #MAX_SERIES} of them), whatever
 * the volume. The raw topics hold every accepted webhook, the Alegra subscription check among them.
 */
public final class TrafficMonitor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrafficMonitor.class);

  public static final int MINUTES = 60;
  static final int MAX_SERIES = 10_000;

  /** What one provider and tenant did: events this minute and in the last hour, the last event, dead letters in the last hour. */
  public record Row(String provider, String tenant, long thisMinute, long lastHour, Instant lastEvent, long deadLetters) {
    public double perMinute() {
      return lastHour / (double) MINUTES;
    }
  }

  private record Series(String provider, String tenant) {}

  /** Counts per minute in a ring, indexed by the minute since the epoch. */
  private static final class Counts {
    final long[] events = new long[MINUTES];
    final long[] deadLetters = new long[MINUTES];
    final long[] minuteOf = new long[MINUTES];
    final long[] deadMinuteOf = new long[MINUTES];
    Instant lastEvent;

    synchronized void add(long[] counts, long[] minutes, long minute) {
      int slot = (int) Math.floorMod(minute, MINUTES);
      if (minutes[slot] != minute) {
        minutes[slot] = minute;
        counts[slot] = 0;
      }
      counts[slot]++;
    }

    synchronized long count(long[] counts, long[] minutes, long minute) {
      int slot = (int) Math.floorMod(minute, MINUTES);
      return minutes[slot] == minute ? counts[slot] : 0;
    }
  }

  private final KafkaClients kafka;
  private final Clock clock;
  private final Map<Series, Counts> series = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile TopicScan scan;
  private volatile boolean running = true;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile String problem = "starting";

  public TrafficMonitor(KafkaClients kafka, Clock clock) {
    this.kafka = kafka;
    this.clock = clock;
    this.thread = new Thread(this::follow, "console-traffic");
    thread.setDaemon(true);
  }

  public TrafficMonitor start() {
    thread.start();
    return this;
  }

  /** Null while the monitor follows the topics; else what keeps it from doing so. */
  public String problem() {
    return problem;
  }

  private void follow() {
    while (running) {
      try (TopicScan topics = new TopicScan(kafka)) {
        scan = topics;
        List<TopicPartition> partitions = new ArrayList<>();
        Topics.RAW.forEach(topic -> partitions.addAll(topics.partitions(topic.name())));
        partitions.addAll(topics.partitions(Topics.DLQ_NORMALIZER.name()));
        if (partitions.isEmpty()) {
          throw new IllegalStateException("no raw topics yet");
        }
        Map<TopicPartition, Long> start = topics.at(partitions, clock.instant().minus(Duration.ofMinutes(MINUTES)));
        problem = null;
        topics.read(start, null, new TopicScan.Handler() {
          @Override
          public void accept(ConsumerRecord<String, byte[]> record) {
            count(record);
          }

          @Override
          public boolean afterPoll() {
            return running;
          }
        });
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        problem = "cannot follow the topics: " + e.getClass().getSimpleName() + ": " + e.getMessage();
        LOG.warn("Traffic monitor: {}; trying again in 5 s", problem);
        sleep();
      }
    }
  }

  void count(ConsumerRecord<String, byte[]> record) {
    long minute = Math.floorDiv(record.timestamp(), 60_000L);
    boolean deadLetter = record.topic().equals(Topics.DLQ_NORMALIZER.name());
    String provider = deadLetter
        ? providerOfSource(DeadLetterHeaders.read(record.headers()).map(DeadLetterHeaders.DeadLetter::sourceTopic).orElse(null))
        : record.topic().substring(Topics.RAW_PREFIX.length());
    String tenant = record.key() != null ? record.key() : RawRecords.tenantOf(record.headers());
    Series key = new Series(provider, tenant == null ? "(none)" : tenant);
    Counts counts = series.get(key);
    if (counts == null) {
      if (series.size() >= MAX_SERIES) {
        return;
      }
      counts = series.computeIfAbsent(key, k -> new Counts());
    }
    if (deadLetter) {
      counts.add(counts.deadLetters, counts.deadMinuteOf, minute);
    } else {
      counts.add(counts.events, counts.minuteOf, minute);
      synchronized (counts) {
        Instant at = Instant.ofEpochMilli(record.timestamp());
        if (counts.lastEvent == null || at.isAfter(counts.lastEvent)) {
          counts.lastEvent = at;
        }
      }
    }
  }

  /** raw.alegra gives alegra; raw.bsale.resources and bsale.fetch-requests give bsale. */
  static String providerOfSource(String sourceTopic) {
    if (sourceTopic == null) {
      return "(unknown)";
    }
    String name = sourceTopic.startsWith(Topics.RAW_PREFIX) ? sourceTopic.substring(Topics.RAW_PREFIX.length()) : sourceTopic;
    int dot = name.indexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** Every provider and tenant seen in the last hour, busiest first. */
  public List<Row> rows() {
    long now = Math.floorDiv(clock.millis(), 60_000L);
    List<Row> rows = new ArrayList<>();
    series.forEach((key, counts) -> {
      long total = 0;
      long dead = 0;
      for (long minute = now - MINUTES + 1; minute <= now; minute++) {
        total += counts.count(counts.events, counts.minuteOf, minute);
        dead += counts.count(counts.deadLetters, counts.deadMinuteOf, minute);
      }
      Instant last;
      synchronized (counts) {
        last = counts.lastEvent;
      }
      rows.add(new Row(key.provider(), key.tenant(), counts.count(counts.events, counts.minuteOf, now), total, last, dead));
    });
    rows.sort(Comparator.comparingLong(Row::lastHour).reversed().thenComparing(Row::provider).thenComparing(Row::tenant));
    return rows;
  }

  /** Events per minute per provider, oldest minute first, the current one last. */
  public Map<String, long[]> perProvider() {
    long now = Math.floorDiv(clock.millis(), 60_000L);
    Map<String, long[]> providers = new TreeMap<>();
    Topics.RAW.forEach(topic -> providers.put(Topics.providerOf(topic), new long[MINUTES]));
    series.forEach((key, counts) -> {
      long[] line = providers.computeIfAbsent(key.provider(), p -> new long[MINUTES]);
      for (int i = 0; i < MINUTES; i++) {
        line[i] += counts.count(counts.events, counts.minuteOf, now - MINUTES + 1 + i);
      }
    });
    return providers;
  }

  /** Waits before trying again, or until {@link #close()}: no interrupt, which would break the consumer's own close. */
  private void sleep() {
    try {
      stopped.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    TopicScan current = scan;
    if (current != null) {
      current.wakeup();
    }
    stopped.countDown();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
