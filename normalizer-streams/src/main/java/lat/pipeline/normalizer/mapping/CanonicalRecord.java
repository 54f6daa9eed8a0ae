package lat.pipeline.normalizer.mapping;

import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record for a canonical topic.
 *
 * @param key {@code {provider}:{tenant}:{entity id}}, so one entity's changes share a partition
 * @param eventId deterministic, for deduplication; equals the value's {@code metadata.eventId}
 * @param sourceTime when it happened at the source, for the stale guard; null when unknown
 */
public record CanonicalRecord(
    CanonicalEntity entity, String key, SpecificRecord value, String eventId, Instant sourceTime) {

  /** One entity across topics: an Alegra client and an Alegra item may share a key, never this. */
  public String entityKey() {
    return entityKey(entity, key);
  }

  public static String entityKey(CanonicalEntity entity, String key) {
    return entity + "|" + key;
  }
}
