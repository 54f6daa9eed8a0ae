package lat.pipeline.normalizer.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class NormalizerMetricsTest {

  /**
   * Fails on main before this change: the main consumers were told by their client ids' suffix
   * ({@code -consumer}), so one named otherwise was not counted.
   */
  @Test
  void theLagCountsTheConsumersKafkaStreamsNamesAsMainWhateverTheirClientIds() {
    Map<MetricName, Metric> metrics = new HashMap<>();
    lag(metrics, "normalizer-1-StreamThread-1-consumer", "raw.alegra", 0, 5);
    lag(metrics, "thread-two", "raw.alegra", 1, 7);
    // A restore consumer reading the raw topic as a table's changelog is not the normalizer's lag.
    lag(metrics, "normalizer-1-StreamThread-1-restore-consumer", "raw.alegra", 0, 100);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    new NormalizerMetrics(registry).bindConsumerLag(() -> metrics,
        () -> Set.of("normalizer-1-StreamThread-1-consumer", "thread-two"));

    assertThat(registry.get("normalizer_consumer_lag_records").tag("topic", "raw.alegra").gauge().value()).isEqualTo(12.0);
    assertThat(registry.get("normalizer_consumer_lag_records").tag("topic", "raw.ninox").gauge().value()).isZero();
  }

  /** The ids come from Kafka Streams itself: one main consumer per stream thread, none once it is closed. */
  @Test
  void kafkaStreamsNamesItsThreadsMainConsumersAndNoneOnceClosed() {
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "lag-ids");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
    config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");
    KafkaStreams streams = new KafkaStreams(builder.build(), config);
    try {
      assertThat(NormalizerMetrics.mainConsumers(streams)).hasSize(2)
          .allSatisfy(id -> assertThat(id).startsWith("lag-ids-").doesNotContain("restore"));
    } finally {
      streams.close();
    }
    assertThat(NormalizerMetrics.mainConsumers(streams)).isEmpty();
  }

  private static void lag(Map<MetricName, Metric> metrics, String clientId, String topic, int partition, double value) {
    MetricName name = new MetricName("records-lag", "consumer-fetch-manager-metrics", "",
        Map.of("client-id", clientId, "topic", topic, "partition", Integer.toString(partition)));
    metrics.put(name, new Metric() {
      @Override
      public MetricName metricName() {
        return name;
      }

      @Override
      public Object metricValue() {
        return value;
      }
    });
  }
}
