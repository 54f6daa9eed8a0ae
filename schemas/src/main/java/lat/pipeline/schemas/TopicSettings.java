package lat.pipeline.schemas;

import java.util.Map;
import lat.pipeline.config.Env;

/**
 * How topics are created: partitions and replication for all, retention per role. Raw topics
 * keep data longest because replays rebuild the canonical topics from them.
 */
public record TopicSettings(
    int partitions, short replicationFactor, long rawRetentionMs, long defaultRetentionMs) {

  /** TOPIC_PARTITIONS (6), TOPIC_REPLICATION_FACTOR (1), RAW_TOPIC_RETENTION_MS (-1: keep forever), TOPIC_RETENTION_MS (7 days). */
  public static TopicSettings fromEnv(Env env) {
    return new TopicSettings(
        env.integer("TOPIC_PARTITIONS", 6, 1, 10_000),
        (short) env.integer("TOPIC_REPLICATION_FACTOR", 1, 1, 32),
        env.longValue("RAW_TOPIC_RETENTION_MS", -1, -1),
        env.longValue("TOPIC_RETENTION_MS", 7L * 24 * 60 * 60 * 1000, -1));
  }

  public Map<String, String> configsFor(Topic.Role role) {
    long retention = role == Topic.Role.RAW ? rawRetentionMs : defaultRetentionMs;
    int minInsyncReplicas = Math.max(1, Math.min(2, replicationFactor - 1));
    return Map.of(
        "retention.ms", Long.toString(retention),
        "min.insync.replicas", Integer.toString(minInsyncReplicas));
  }
}
