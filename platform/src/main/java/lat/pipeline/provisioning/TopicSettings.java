package lat.pipeline.provisioning;

import java.util.Map;
import lat.pipeline.config.Env;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;

/**
 * How topics are created: partitions and replication for all, retention per role. Raw topics
 * keep data longest because replays rebuild the canonical topics from them, and take records as
 * large as the largest webhook body the receiver accepts (see {@link #rawRecordBytes(int)}).
 */
public record TopicSettings(
    int partitions, short replicationFactor, long rawRetentionMs, long defaultRetentionMs, int rawMaxMessageBytes) {

  /** The receiver's body limit when RECEIVER_MAX_BODY_BYTES is unset (NinoxNet's documented limit). */
  public static final int DEFAULT_MAX_BODY_BYTES = 1_048_576;
  /** Room around a body for the key (tenant), the CloudEvents headers and Kafka's record and batch framing. */
  static final int RAW_RECORD_OVERHEAD_BYTES = 65_536;

  /** Settings whose raw topics fit the default body limit. */
  public TopicSettings(int partitions, short replicationFactor, long rawRetentionMs, long defaultRetentionMs) {
    this(partitions, replicationFactor, rawRetentionMs, defaultRetentionMs, rawRecordBytes(DEFAULT_MAX_BODY_BYTES));
  }

  /**
   * TOPIC_PARTITIONS (6), TOPIC_REPLICATION_FACTOR (1), RAW_TOPIC_RETENTION_MS (-1: keep forever),
   * TOPIC_RETENTION_MS (7 days), and RECEIVER_MAX_BODY_BYTES for the raw topics' max.message.bytes,
   * so that whichever service creates the raw topics, they take every body the receiver accepts.
   */
  public static TopicSettings fromEnv(Env env) {
    return new TopicSettings(
        env.integer("TOPIC_PARTITIONS", 6, 1, 10_000),
        (short) env.integer("TOPIC_REPLICATION_FACTOR", 1, 1, 32),
        env.longValue("RAW_TOPIC_RETENTION_MS", -1, -1),
        env.longValue("TOPIC_RETENTION_MS", 7L * 24 * 60 * 60 * 1000, -1),
        rawRecordBytes(maxBodyBytes(env)));
  }

  /** RECEIVER_MAX_BODY_BYTES: the largest webhook body the receiver accepts (1 MiB, at most 64 MiB). */
  public static int maxBodyBytes(Env env) {
    return env.integer("RECEIVER_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1, 64 * 1_048_576);
  }

  /**
   * The size a raw record with the largest accepted body may reach: the producer's
   * {@code max.request.size} and the raw topics' {@code max.message.bytes} are both this.
   */
  public static int rawRecordBytes(int maxBodyBytes) {
    return maxBodyBytes + RAW_RECORD_OVERHEAD_BYTES;
  }

  /**
   * The configs a topic is created with: those of its role, and for the canonical entity topics
   * ({@link Topics#CANONICAL_ENTITIES}) compaction on the entity key, keeping a deletion's tombstone
   * as long as other topics keep their records, so a consumer that is at most that far behind still
   * sees every deletion.
   */
  public Map<String, String> configsFor(Topic<?, ?> topic) {
    Map<String, String> configs = configsFor(topic.role());
    if (!Topics.CANONICAL_ENTITIES.contains(topic)) {
      return configs;
    }
    Map<String, String> compacted = new java.util.HashMap<>(configs);
    compacted.put("cleanup.policy", "compact");
    compacted.put("delete.retention.ms", Long.toString(defaultRetentionMs < 0 ? Long.MAX_VALUE : defaultRetentionMs));
    return Map.copyOf(compacted);
  }

  public Map<String, String> configsFor(Topic.Role role) {
    long retention = role == Topic.Role.RAW ? rawRetentionMs : defaultRetentionMs;
    int minInsyncReplicas = Math.max(1, Math.min(2, replicationFactor - 1));
    if (role == Topic.Role.RAW) {
      return Map.of(
          "retention.ms", Long.toString(retention),
          "min.insync.replicas", Integer.toString(minInsyncReplicas),
          "max.message.bytes", Integer.toString(rawMaxMessageBytes));
    }
    return Map.of(
        "retention.ms", Long.toString(retention),
        "min.insync.replicas", Integer.toString(minInsyncReplicas));
  }
}
