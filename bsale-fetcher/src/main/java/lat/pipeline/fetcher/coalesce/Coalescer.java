package lat.pipeline.fetcher.coalesce;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import lat.pipeline.fetcher.request.FetchRequest;

/**
 * Holds each resource's first notification for the coalescing window; notifications for the same
 * resource that arrive meanwhile join it, so a burst costs one fetch of the latest state. Used by
 * the fetch loop's thread only.
 */
public final class Coalescer {

  private final Duration window;
  private final Map<FetchRequest.ResourceKey, PendingFetch> open = new LinkedHashMap<>();

  public Coalescer(Duration window) {
    this.window = window;
  }

  /** @return true when the request joined a fetch already waiting (it was coalesced) */
  public boolean add(FetchRequest request, Instant now) {
    PendingFetch pending = open.get(request.resource());
    if (pending != null) {
      pending.add(request);
      return true;
    }
    open.put(request.resource(), new PendingFetch(request, now.plus(window)));
    return false;
  }

  /** The fetches whose window has closed, in arrival order. */
  public List<PendingFetch> due(Instant now) {
    List<PendingFetch> due = new ArrayList<>();
    // Insertion order is arrival order, and every window has the same length: stop at the first open one.
    for (Iterator<PendingFetch> it = open.values().iterator(); it.hasNext(); ) {
      PendingFetch pending = it.next();
      if (pending.dueAt().isAfter(now)) {
        break;
      }
      due.add(pending);
      it.remove();
    }
    return due;
  }

  public int size() {
    return open.size();
  }

  /** Forgets the fetches that match, e.g. those of partitions this instance no longer owns. */
  public void removeIf(Predicate<PendingFetch> filter) {
    open.values().removeIf(filter);
  }
}
