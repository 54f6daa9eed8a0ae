package lat.pipeline.fetcher.coalesce;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import lat.pipeline.fetcher.request.FetchRequest;

/**
 * One fetch to make: the notifications for one resource that arrived within the coalescing window.
 * The fetch answers the latest of them (highest {@code send}, then the last to arrive); all of them
 * are done once it is written.
 */
public final class PendingFetch {

  private final List<FetchRequest> requests = new ArrayList<>();
  private FetchRequest latest;
  private final Instant dueAt;
  private Instant waitingSince;

  PendingFetch(FetchRequest first, Instant dueAt) {
    this.dueAt = dueAt;
    this.waitingSince = first.takenAt();
    add(first);
  }

  void add(FetchRequest request) {
    requests.add(request);
    if (latest == null || request.send() >= latest.send()) {
      latest = request;
    }
  }

  public FetchRequest latest() {
    return latest;
  }

  public List<FetchRequest> requests() {
    return requests;
  }

  /** Where the wait bound counts from: when the first of them was taken in, or last left the parking lot. */
  public Instant waitingSince() {
    return waitingSince;
  }

  /** Time spent parked does not count against the wait bound. */
  public void leftParking(Instant now) {
    waitingSince = now;
  }

  public Instant dueAt() {
    return dueAt;
  }

  public String company() {
    return latest.companyId();
  }
}
