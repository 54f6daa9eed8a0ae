package lat.pipeline.normalizer.topology;

import lat.pipeline.normalizer.mapping.CanonicalRecord;

/** What the map step made of one raw record: a canonical record, or a dead letter with its reason. */
sealed interface Normalized {

  record Canonical(CanonicalRecord record) implements Normalized {}

  record DeadLetter(String step, String reason, byte[] originalValue) implements Normalized {}
}
