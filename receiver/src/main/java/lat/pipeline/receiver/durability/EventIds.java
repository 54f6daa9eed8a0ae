package lat.pipeline.receiver.durability;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids as UUID version 7 (RFC 9562): time-ordered, so ids sort by receive time, and drawn from
 * {@link ThreadLocalRandom} because {@link UUID#randomUUID()} serializes every request thread on one
 * SecureRandom. The id names an event; it is not a secret, so it needs no cryptographic randomness.
 */
public final class EventIds {

  private EventIds() {}

  public static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long millis = System.currentTimeMillis();
    long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
