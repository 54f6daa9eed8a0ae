package lat.pipeline.normalizer.dedupe;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The deduplication memory: event ids seen within the retention, in a window store that forgets
 * each id once the retention has passed. Used by every deduplicating step of the topology.
 */
public final class SeenEventIds {

  private final WindowStore<String, Long> store;
  private final Duration retention;

  public SeenEventIds(WindowStore<String, Long> store, Duration retention) {
    this.store = store;
    this.retention = retention;
  }

  public static StoreBuilder<WindowStore<String, Long>> storeBuilder(String name, Duration retention) {
    return Stores.windowStoreBuilder(
        Stores.persistentWindowStore(name, retention, retention, false), Serdes.String(), Serdes.Long());
  }

  /** True the first time an id is seen within the retention (and remembers it); false for a redelivery. */
  public boolean firstSighting(String eventId, long now) {
    try (WindowStoreIterator<Long> seen = store.fetch(eventId, now - retention.toMillis(), now + retention.toMillis())) {
      if (seen.hasNext()) {
        return false;
      }
    }
    store.put(eventId, now, now);
    return true;
  }
}
