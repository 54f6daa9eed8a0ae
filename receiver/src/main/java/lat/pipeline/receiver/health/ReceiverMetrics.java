package lat.pipeline.receiver.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lat.pipeline.receiver.durability.Spool;
import org.apache.kafka.clients.producer.Producer;

/** The receiver's Prometheus metrics: outcomes per provider, time to durability, JVM and producer. */
public final class ReceiverMetrics implements AutoCloseable {

  /** How a request ended; a closed set, so fuzzed paths cannot blow up the label cardinality. */
  public enum Outcome { STORED, SPOOLED, EMPTY, UNAUTHORIZED, RATE_LIMITED, TOO_LARGE, BAD_REQUEST, UNKNOWN_PROVIDER, UNAVAILABLE, REFUSED }

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
  private final Map<String, Timer> durableLatency = new ConcurrentHashMap<>();
  private final Counter obumaUnreadableEventDates = Counter.builder("webhook_obuma_unreadable_event_date")
      .description("Correctly signed OBUMA deliveries accepted although their eventDate could not be read")
      .register(registry);
  private KafkaClientMetrics producerMetrics;

  public ReceiverMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  public void bindProducer(Producer<?, ?> producer) {
    producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(registry);
  }

  public void bindSpool(Spool spool) {
    Gauge.builder("receiver_spool_records", spool, Spool::depth)
        .description("Records in the local spool waiting for the broker").register(registry);
    Gauge.builder("receiver_spool_bytes", spool, Spool::bytes)
        .description("Bytes in the local spool waiting for the broker").register(registry);
    Gauge.builder("receiver_spool_oldest_age_seconds", spool, s -> s.oldestAgeMillis() / 1000.0)
        .description("Age of the oldest record waiting in the spool").register(registry);
    Gauge.builder("receiver_quarantined_records", spool, s -> s.quarantine().count())
        .description("Spooled records the broker refused for good, kept in the spool's quarantine directory").register(registry);
    Gauge.builder("receiver_spool_writable", spool, s -> s.lastWriteError() == null ? 1 : 0)
        .description("1 while the spool can be written, 0 after a disk error").register(registry);
  }

  /** The silence watchdog, exporting its figures here. */
  public TrafficWatchdog trafficWatchdog(SilenceRule rule, Clock clock) {
    return new TrafficWatchdog(rule, clock, registry);
  }

  public void count(String provider, Outcome outcome) {
    String key = provider + "/" + outcome;
    outcomes
        .computeIfAbsent(key, k -> Counter.builder("webhook_requests")
            .description("Webhook requests by provider and outcome")
            .tag("provider", provider)
            .tag("outcome", outcome.name().toLowerCase())
            .register(registry))
        .increment();
  }

  public void obumaUnreadableEventDate() {
    obumaUnreadableEventDates.increment();
  }

  public void durable(String provider, Duration elapsed) {
    durableLatency
        .computeIfAbsent(provider, p -> Timer.builder("webhook_durable_latency")
            .description("Time from request to broker acknowledgement")
            .tag("provider", p)
            .publishPercentileHistogram()
            .register(registry))
        .record(elapsed);
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    if (producerMetrics != null) {
      producerMetrics.close();
    }
    registry.close();
  }
}
