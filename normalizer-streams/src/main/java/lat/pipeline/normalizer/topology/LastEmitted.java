package lat.pipeline.normalizer.topology;

import lat.pipeline.schemas.canonical.Metadata;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the normalizer remembers of the last record it emitted for an entity: enough to tell a no-op
 * (same content), a stale update (older source time) and an older raw record (an earlier offset of
 * the same raw partition: raw records are keyed by tenant, so an entity's deliveries are in offset
 * order) from a change. Derived from the canonical value alone, so a replay can rebuild it from the
 * canonical topics.
 *
 * @param sourceTime epoch millis; null when the source gives no time
 * @param active the entity's active flag as emitted; null when it has none or the record did not say
 */
public record LastEmitted(
    String fingerprint, Long sourceTime, String rawTopic, int rawPartition, long rawOffset, Boolean active) {

  private static final String SEPARATOR = "|";

  public static LastEmitted of(SpecificRecord value) {
    Metadata metadata = metadataOf(value);
    return new LastEmitted(ContentFingerprint.of(value),
        metadata.getOccurredAt() == null ? null : metadata.getOccurredAt().toEpochMilli(),
        metadata.getRawTopic(), metadata.getRawPartition(), metadata.getRawOffset(), active(value));
  }

  /** The record's own {@code active} field (customers, products); null for records without one. */
  static Boolean active(SpecificRecord value) {
    Schema.Field field = value.getSchema().getField("active");
    return field == null ? null : (Boolean) value.get(field.pos());
  }

  /** The metadata every canonical value has. */
  static Metadata metadataOf(SpecificRecord value) {
    return (Metadata) value.get(value.getSchema().getField("metadata").pos());
  }

  /** True when this raw record lies before the one that was emitted last, on the same raw partition. */
  public boolean isAfter(LastEmitted candidate) {
    return rawTopic.equals(candidate.rawTopic) && rawPartition == candidate.rawPartition && rawOffset > candidate.rawOffset;
  }

  /** True when the candidate happened at the source before what was emitted last. */
  public boolean isNewerAtSourceThan(LastEmitted candidate) {
    return sourceTime != null && candidate.sourceTime != null && sourceTime > candidate.sourceTime;
  }

  /** {@code fingerprint|sourceTime|partition|offset|rawTopic[|active]}: older stores lack the last part. */
  public String encode() {
    String encoded = String.join(SEPARATOR, fingerprint, sourceTime == null ? "" : sourceTime.toString(),
        Integer.toString(rawPartition), Long.toString(rawOffset), rawTopic);
    return active == null ? encoded : encoded + SEPARATOR + active;
  }

  public static LastEmitted decode(String text) {
    String[] parts = text.split("\\|", 6);
    return new LastEmitted(parts[0], parts[1].isEmpty() ? null : Long.valueOf(parts[1]), parts[4],
        Integer.parseInt(parts[2]), Long.parseLong(parts[3]), parts.length > 5 ? Boolean.valueOf(parts[5]) : null);
  }
}
