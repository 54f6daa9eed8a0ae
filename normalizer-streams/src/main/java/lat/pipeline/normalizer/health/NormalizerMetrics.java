package lat.pipeline.normalizer.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import lat.pipeline.kafka.ConsumerLag;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.StreamsNotStartedException;

/** Counts what the normalizer chose not to emit, and why: the figures an operator watches. */
public final class NormalizerMetrics {

  private static final List<String> LAGGING_TOPICS = Stream.concat(Topics.RAW.stream(), Stream.of(Topics.RAW_BSALE_RESOURCES))
      .map(Topic::name).toList();

  private final MeterRegistry registry;

  public NormalizerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** For tests that look at the counts without exporting them. */
  public static NormalizerMetrics inMemory() {
    return new NormalizerMetrics(new SimpleMeterRegistry());
  }

  /**
   * {@code normalizer_consumer_lag_records{topic}}: raw records not yet read, summed over the partitions
   * this instance holds, from the stream threads' main consumers only: those Kafka Streams names in its
   * thread metadata ({@link ThreadMetadata#consumerClientId()}), not the restore or global ones (which
   * may read a raw topic too, as a table's changelog), whatever their client ids look like.
   */
  public void bindConsumerLag(Supplier<Map<MetricName, ? extends Metric>> streamsMetrics, Supplier<Set<String>> mainConsumers) {
    for (String topic : LAGGING_TOPICS) {
      Gauge.builder("normalizer_consumer_lag_records", streamsMetrics,
              metrics -> ConsumerLag.records(metrics.get(), topic, mainConsumers.get()::contains))
          .description("Raw records behind the end of the topic, over the partitions this instance holds")
          .tag("topic", topic)
          .register(registry);
    }
  }

  /** The client ids of the stream threads' main consumers; none while Kafka Streams is not started or has stopped. */
  public static Set<String> mainConsumers(KafkaStreams streams) {
    try {
      return streams.metadataForLocalThreads().stream().map(ThreadMetadata::consumerClientId).collect(Collectors.toSet());
    } catch (StreamsNotStartedException | IllegalStateException notRunning) {
      return Set.of();
    }
  }

  public void duplicate(String provider) {
    counter("normalizer_duplicates", "Redeliveries dropped by deduplication", provider).increment();
  }

  public void stale(String provider) {
    counter("normalizer_stale", "Updates older than the last one emitted for the same entity", provider).increment();
  }

  /** Records held until the variant they name is fetched (a Bsale stock, price or document line). */
  public void held(String provider, int records) {
    if (records > 0) {
      counter("normalizer_held_for_variant", "Records held until the variant they name is known", provider)
          .increment(records);
    }
  }

  public void unchanged(String provider) {
    counter("normalizer_unchanged", "Deliveries equal to the last state emitted for the same entity", provider).increment();
  }

  public void deadLettered(String provider, String step) {
    Counter.builder("normalizer_dead_letters")
        .description("Raw records sent to dlq.normalizer")
        .tag("provider", provider)
        .tag("step", step)
        .register(registry)
        .increment();
  }

  public double count(String name, String provider) {
    Counter counter = registry.find(name).tag("provider", provider).counter();
    return counter == null ? 0 : counter.count();
  }

  private Counter counter(String name, String description, String provider) {
    return Counter.builder(name).description(description).tag("provider", provider).register(registry);
  }
}
