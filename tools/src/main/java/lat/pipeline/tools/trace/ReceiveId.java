package lat.pipeline.tools.trace;

import java.time.Instant;
import java.util.UUID;
import lat.pipeline.tools.CommandLine;

/**
 * The id the receiver answers to a provider ({@code {"id": ...}}, the raw record's {@code ce_id}): a
 * UUID version 7, whose first 48 bits are the receive time in Unix milliseconds (RFC 9562).
 */
record ReceiveId(String id, Instant receivedAt) {

  static ReceiveId parse(String text) {
    UUID uuid;
    try {
      uuid = UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.UsageException("not a receive id (a UUID as the receiver answers it): " + text);
    }
    if (uuid.version() != 7 || !uuid.toString().equals(text.toLowerCase(java.util.Locale.ROOT))) {
      throw new CommandLine.UsageException("not a receive id: the receiver answers UUID version 7 ids, " + text + " is not one");
    }
    return new ReceiveId(uuid.toString(), Instant.ofEpochMilli(uuid.getMostSignificantBits() >>> 16));
  }
}
