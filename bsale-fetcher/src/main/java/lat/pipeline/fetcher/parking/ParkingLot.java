package lat.pipeline.fetcher.parking;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import lat.pipeline.fetcher.coalesce.PendingFetch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Companies whose token Bsale refused (401, 402 blocked, 403) or that have no token: their fetches
 * wait here, in order, instead of being retried in a hot loop. Every {@code recheck} one of them is
 * tried again (with the token files re-read); when it goes through, the company's fetches flow
 * again. Parked fetches are not lost: their offsets are not committed while they wait, so a restart
 * reads them again. Used by the fetch loop's thread only.
 */
public final class ParkingLot {

  private static final Logger LOG = LoggerFactory.getLogger(ParkingLot.class);

  private final Duration recheck;
  private final Map<String, Parked> companies = new LinkedHashMap<>();

  /** A parked company: why, since when, what waits, and whether a probe is out. */
  private static final class Parked {
    final List<PendingFetch> waiting = new ArrayList<>();
    String reason;
    Instant since;
    Instant nextCheck;
    boolean probing;
  }

  public ParkingLot(Duration recheck) {
    this.recheck = recheck;
  }

  public boolean isParked(String company) {
    return companies.containsKey(company);
  }

  /** Parks a fetch; the first one parks its company (logged once, without the token). */
  public void park(PendingFetch fetch, String reason, Instant now) {
    Parked parked = companies.computeIfAbsent(fetch.company(), company -> {
      Parked fresh = new Parked();
      fresh.since = now;
      fresh.nextCheck = now.plus(recheck);
      LOG.warn("Bsale company {} parked: {}. Its notifications wait until its token works again "
          + "(re-checked every {} ms); other companies go on.", company, reason, recheck.toMillis());
      return fresh;
    });
    parked.reason = reason;
    parked.waiting.add(fetch);
  }

  /** A probe for each parked company due for a re-check: its oldest fetch, taken out of the lot. */
  public List<PendingFetch> probesDue(Instant now) {
    List<PendingFetch> probes = new ArrayList<>();
    companies.values().forEach(parked -> {
      if (!parked.probing && !parked.waiting.isEmpty() && !now.isBefore(parked.nextCheck)) {
        parked.probing = true;
        probes.add(parked.waiting.remove(0));
      }
    });
    return probes;
  }

  /** Makes every parked company due for a re-check now (e.g. its token file changed). */
  public void recheckAll(Instant now) {
    companies.values().forEach(parked -> parked.nextCheck = now);
  }

  /** The probe was refused again: it waits with the others until the next re-check. */
  public void probeRefused(PendingFetch probe, String reason, Instant now) {
    Parked parked = companies.get(probe.company());
    if (parked == null) {
      park(probe, reason, now);
      return;
    }
    parked.waiting.add(0, probe);
    parked.reason = reason;
    parked.probing = false;
    parked.nextCheck = now.plus(recheck);
  }

  /** The company's token works again: its waiting fetches, in order, to dispatch. */
  public List<PendingFetch> release(String company) {
    Parked parked = companies.remove(company);
    if (parked == null) {
      return List.of();
    }
    LOG.info("Bsale company {} unparked after {} s; {} waiting fetches resume", company,
        Duration.between(parked.since, Instant.now()).toSeconds(), parked.waiting.size());
    return parked.waiting;
  }

  /** Waiting fetches per parked company, for the metrics. */
  public Map<String, Integer> waitingByCompany() {
    Map<String, Integer> counts = new HashMap<>();
    companies.forEach((company, parked) -> counts.put(company, parked.waiting.size() + (parked.probing ? 1 : 0)));
    return counts;
  }

  public int waiting() {
    return waitingByCompany().values().stream().mapToInt(Integer::intValue).sum();
  }

  public void removeIf(Predicate<PendingFetch> filter) {
    companies.values().forEach(parked -> parked.waiting.removeIf(filter));
  }
}
