package lat.pipeline.fetcher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fetcher's figures, tagged by company ({@code cpnId}, never a token): API calls by status,
 * notifications coalesced, resources written, fetches parked and waiting, wait bounds exceeded;
 * fetch requests dead-lettered, by step.
 */
public final class FetcherMetrics {

  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> parkedWaiting = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final Map<String, AtomicLong> consumerLag = new ConcurrentHashMap<>();

  public FetcherMetrics(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge("bsale_fetcher_in_flight", inFlight);
    registry.gauge("bsale_fetcher_queued", queued);
  }

  public MeterRegistry registry() {
    return registry;
  }

  void apiCall(String company, int status, Duration took) {
    Timer.builder("bsale_api_requests").description("Bsale API calls by company and answer status (0: no answer)")
        .tag("company", company).tag("status", Integer.toString(status)).register(registry).record(took);
  }

  void coalesced(String company) {
    counter("bsale_fetcher_coalesced", "Notifications answered by another notification's fetch", company).increment();
  }

  void written(String company, int status) {
    Counter.builder("bsale_fetcher_written").description("Envelopes written to raw.bsale.resources")
        .tag("company", company).tag("status", Integer.toString(status)).register(registry).increment();
  }

  void parked(String company, int notifications) {
    counter("bsale_fetcher_parked", "Notifications parked because Bsale refused the company's token", company)
        .increment(notifications);
  }

  void waitBoundExceeded(String company) {
    counter("bsale_fetcher_wait_bound_exceeded", "Fetches that reached the wait bound (their company is parked)", company)
        .increment();
  }

  /** @param step {@code decode} (not a fetch request) or {@code tenant} (the company is not bound to the tenant) */
  void deadLettered(String step) {
    Counter.builder("bsale_fetcher_dead_lettered").description("Fetch requests written to the dead-letter topic, unfetched")
        .tag("step", step).register(registry).increment();
  }

  /** Gauges of what waits per parked company; companies no longer parked read 0. */
  void parkedWaiting(Map<String, Integer> byCompany) {
    parkedWaiting.forEach((company, gauge) -> gauge.set(byCompany.getOrDefault(company, 0)));
    byCompany.forEach((company, count) -> parkedWaiting.computeIfAbsent(company, c -> registry.gauge(
        "bsale_fetcher_parked_waiting", io.micrometer.core.instrument.Tags.of("company", c), new AtomicInteger())).set(count));
  }

  void load(int inFlightNow, int queuedNow) {
    inFlight.set(inFlightNow);
    queued.set(queuedNow);
  }

  /** Fetch requests not yet read, summed over the partitions this instance holds (the consumer's records-lag). */
  void consumerLag(String topic, double records) {
    consumerLag.computeIfAbsent(topic, t -> registry.gauge("bsale_fetcher_consumer_lag_records",
        io.micrometer.core.instrument.Tags.of("topic", t), new AtomicLong())).set(Math.round(records));
  }

  public double count(String name, String company) {
    Counter counter = registry.find(name).tag("company", company).counter();
    return counter == null ? 0 : counter.count();
  }

  public long apiCalls(String company) {
    return registry.find("bsale_api_requests").tag("company", company).timers().stream().mapToLong(Timer::count).sum();
  }

  private Counter counter(String name, String description, String company) {
    return Counter.builder(name).description(description).tag("company", company).register(registry);
  }
}
