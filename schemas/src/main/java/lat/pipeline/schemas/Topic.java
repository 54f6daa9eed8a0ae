package lat.pipeline.schemas;

import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic as the code knows it: its name, its role (which decides its retention) and the
 * serdes of its keys and values. Declared once in {@link Topics} and used everywhere.
 */
public record Topic<K, V>(String name, Role role, Serde<K> keySerde, Serde<V> valueSerde) {

  /** What a topic holds, which decides how long it keeps data. */
  public enum Role {
    /** Webhook bodies exactly as received: the source of truth that replays read. */
    RAW,
    /** The canonical model that downstream services consume. */
    CANONICAL,
    /** Records that could not be processed, with the reason. */
    DEAD_LETTER,
    /** Work queues between the pipeline's own services. */
    WORK
  }
}
