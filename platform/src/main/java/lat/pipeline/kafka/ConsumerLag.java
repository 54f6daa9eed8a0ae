package lat.pipeline.kafka;

import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * How far a consumer is behind the end of a topic, from the consumer's own {@code records-lag}
 * metric (per fetched partition, updated on every fetch): no extra request to the broker. Summed
 * over the partitions this instance is assigned; a topic it holds no partition of reads 0.
 */
public final class ConsumerLag {

  private static final String GROUP = "consumer-fetch-manager-metrics";
  private static final String RECORDS_LAG = "records-lag";

  private ConsumerLag() {}

  /** @param clientIds which consumers of the client count (Kafka Streams also has restore consumers) */
  public static double records(Map<MetricName, ? extends Metric> metrics, String topic, Predicate<String> clientIds) {
    double lag = 0;
    for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
      MetricName name = entry.getKey();
      if (name.name().equals(RECORDS_LAG) && name.group().equals(GROUP)
          && topic.equals(name.tags().get("topic")) && name.tags().containsKey("partition")
          && clientIds.test(name.tags().getOrDefault("client-id", ""))
          && entry.getValue().metricValue() instanceof Double value && !value.isNaN()) {
        lag += value;
      }
    }
    return lag;
  }
}
