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
 * Companies whose token Bsale refused (401, 402 blocked, 403), that have no token, or for which
 * Bsale did not answer within the retries and the wait bound: their fetches wait here, in order,
 * instead of being retried in a hot loop or given up. Every {@code recheck} one of them (in turn) is
 * tried again as a probe (with the token files re-read); only when a probe has gone through (a real
 * Bsale call with the company's token) do the company's fetches flow again, each with its full wait
 * bound: time parked does not count. Parked fetches are not lost: their offsets are not committed
 * while they wait, so a restart reads them again. Used by the fetch loop's thread only.
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
      LOG.warn("Bsale company {} parked: {}. Its notifications wait until a call with its token goes through "
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
        PendingFetch probe = parked.waiting.remove(0);
        probe.leftParking(now);
        probes.add(probe);
      }
    });
    return probes;
  }

  /** Makes every parked company due for a re-check now (e.g. its token file changed). */
  public void recheckAll(Instant now) {
    companies.values().forEach(parked -> parked.nextCheck = now);
  }

  /**
   * The probe did not go through: the company waits for the next re-check, with the probe last in
   * line (so one resource Bsale cannot answer does not stand in front of the company's other fetches
   * at every re-check), unless {@code keep} is false (its partition went to another instance meanwhile).
   */
  public void probeFailed(PendingFetch probe, String reason, boolean keep, Instant now) {
    Parked parked = companies.get(probe.company());
    if (parked == null) {
      if (keep) {
        park(probe, reason, now);
      }
      return;
    }
    if (keep) {
      parked.waiting.add(probe);
    }
    parked.reason = reason;
    parked.probing = false;
    parked.nextCheck = now.plus(recheck);
  }

  /** A probe went through: the company's waiting fetches, in order, to dispatch. */
  public List<PendingFetch> release(String company, Instant now) {
    Parked parked = companies.remove(company);
    if (parked == null) {
      return List.of();
    }
    LOG.info("Bsale company {} unparked after {} s; {} waiting fetches resume", company,
        Duration.between(parked.since, now).toSeconds(), parked.waiting.size());
    parked.waiting.forEach(fetch -> fetch.leftParking(now));
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
