package lat.pipeline.normalizer.topology;

import lat.pipeline.normalizer.mapping.CanonicalRecord;

/** What the map step made of one raw record: a canonical record, a dead letter with its reason, or a fetch to request. */
sealed interface Normalized {

  record Canonical(CanonicalRecord record) implements Normalized {}

  record DeadLetter(String step, String reason, byte[] originalValue) implements Normalized {}

  /** A variant fetch for {@code bsale.fetch-requests}, encoded by {@code FetchRequests}. */
  record FetchRequest(byte[] value) implements Normalized {}
}
