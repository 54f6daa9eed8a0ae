package lat.pipeline.normalizer.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The time limit of records held for a variant: one held longer than the limit (its variant's fetch
 * failed, was dead-lettered, or its company has been parked that long) leaves the held store and
 * its raw record is dead-lettered (step {@code join}), once per raw record however many of its
 * records were held, naming the variants and the limit. Re-driven once the variant is known (in
 * {@code canonical.variants}), the raw record goes through the path again; records of it that were
 * emitted meanwhile are then unchanged. Nothing held is dropped silently.
 */
final class HeldTimeLimit {

  /** A raw record to dead-letter, with why. */
  record Expired(NormalizationPath.RawRecord source, String tenant, String reason) {}

  private final KeyValueStore<String, byte[]> held;
  private final Duration limit;

  HeldTimeLimit(KeyValueStore<String, byte[]> held, Duration limit) {
    this.held = held;
    this.limit = limit;
  }

  /** How often to look: often enough that a record is dead-lettered soon after its time is up. */
  static Duration checkEvery(Duration limit) {
    return limit.compareTo(Duration.ofMinutes(1)) < 0 ? limit : Duration.ofMinutes(1);
  }

  /** Removes the records held longer than the limit at {@code now}; their raw records, in the order found. */
  List<Expired> expire(long now) {
    Map<String, List<NormalizationPath.Held>> remaining = new LinkedHashMap<>();
    Map<Normalized.Place, List<String>> expiredVariants = new LinkedHashMap<>();
    Map<Normalized.Place, NormalizationPath.Held> expired = new LinkedHashMap<>();
    try (KeyValueIterator<String, byte[]> all = held.all()) {
      while (all.hasNext()) {
        KeyValue<String, byte[]> entry = all.next();
        List<NormalizationPath.Held> waiting = HeldRecords.decode(entry.value);
        List<NormalizationPath.Held> kept = new ArrayList<>();
        for (NormalizationPath.Held one : waiting) {
          // An entry from before held records kept their raw record has none to dead-letter: it waits for its variant.
          if (one.source() != null && now - one.heldSince() >= limit.toMillis()) {
            // The records of one raw record share its place.
            Normalized.Place place = new Normalized.Place(one.source().topic(), one.source().partition(), one.source().offset());
            expired.putIfAbsent(place, one);
            expiredVariants.computeIfAbsent(place, p -> new ArrayList<>()).add(entry.key);
          } else {
            kept.add(one);
          }
        }
        if (kept.size() != waiting.size()) {
          remaining.put(entry.key, kept);
        }
      }
    }
    remaining.forEach((variantKey, kept) -> {
      if (kept.isEmpty()) {
        held.delete(variantKey);
      } else {
        held.put(variantKey, HeldRecords.encode(kept));
      }
    });
    List<Expired> deadLetters = new ArrayList<>();
    expired.forEach((place, first) -> deadLetters.add(new Expired(first.source(), first.tenant(),
        "variant " + String.join(", ", expiredVariants.get(place).stream().distinct().toList()) + " of " + first.record().key()
            + " was not known within the held-record limit NORMALIZER_HELD_MAX_MS (" + limit.toMillis()
            + " ms); re-drive it once the variant is in canonical.variants")));
    return deadLetters;
  }
}
