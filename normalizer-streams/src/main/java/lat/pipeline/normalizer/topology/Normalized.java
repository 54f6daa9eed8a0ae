package lat.pipeline.normalizer.topology;

import lat.pipeline.normalizer.mapping.CanonicalRecord;

/** What the map step made of one raw record: a canonical record, a dead letter with its reason, or a fetch to request. */
sealed interface Normalized {

  record Canonical(CanonicalRecord record) implements Normalized {}

  /**
   * @param source where the original record lies; null for the record being processed (a punctuator
   *     has none, so it names the held record's)
   */
  record DeadLetter(String step, String reason, byte[] originalValue, Place source) implements Normalized {}

  /** A record's place in its topic. */
  record Place(String topic, int partition, long offset) {}

  /** A variant fetch for {@code bsale.fetch-requests}, encoded by {@code FetchRequests}. */
  record FetchRequest(byte[] value) implements Normalized {}
}
