package lat.pipeline.receiver.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The silence watchdog: per provider and tenant, when the last authenticated request came and the
 * usual gap between requests, an exponentially weighted moving average of the gaps (one number per
 * tenant, so memory stays constant). Only authenticated requests are counted, and only providers
 * with a raw topic, so the tenants are those of the configuration: the label set is bounded. The
 * figures live in memory: after a restart a tenant is judged again once it has sent a few events.
 */
public final class TrafficWatchdog {

  /** Weight of the newest gap: about the last ten gaps make the usual one. */
  private static final double SMOOTHING = 0.2;
  /** Gaps seen before the usual gap is trusted enough to call a tenant silent. */
  static final int GAPS_BEFORE_JUDGING = 3;

  private final SilenceRule rule;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Map<List<String>, TenantTraffic> tenants = new ConcurrentHashMap<>();

  public TrafficWatchdog(SilenceRule rule, Clock clock, MeterRegistry registry) {
    this.rule = rule;
    this.clock = clock;
    this.registry = registry;
  }

  public SilenceRule rule() {
    return rule;
  }

  /** One authenticated request of the tenant: a delivery, or Alegra's empty subscription check. */
  public void arrived(String provider, String tenant) {
    tenants.computeIfAbsent(List.of(provider, tenant), key -> register(provider, tenant)).arrived(clock.millis());
  }

  /** What the watchdog knows of one tenant, as of {@code at}. */
  public record TenantView(
      String provider,
      String tenant,
      long events,
      String lastEventAt,
      double secondsSinceLastEvent,
      Double usualGapSeconds,
      double silentAfterSeconds,
      boolean silent) {}

  /** Every tenant heard from since start, by provider and tenant. */
  public List<TenantView> snapshot() {
    long now = clock.millis();
    return tenants.values().stream()
        .map(traffic -> traffic.view(now))
        .sorted(Comparator.comparing(TenantView::provider).thenComparing(TenantView::tenant))
        .toList();
  }

  private TenantTraffic register(String provider, String tenant) {
    TenantTraffic traffic = new TenantTraffic(provider, tenant);
    Tags tags = Tags.of("provider", provider, "tenant", tenant);
    Gauge.builder("webhook_last_event_timestamp_seconds", traffic, t -> t.lastMillis() / 1000.0).tags(tags)
        .description("When the tenant's last authenticated request (delivery or subscription check) arrived")
        .register(registry);
    Gauge.builder("webhook_usual_gap_seconds", traffic, TenantTraffic::usualGapSecondsOrNaN).tags(tags)
        .description("Moving average of the gaps between the tenant's requests (NaN until a few were seen)")
        .register(registry);
    Gauge.builder("webhook_tenant_silent", traffic, t -> t.view(clock.millis()).silent() ? 1 : 0).tags(tags)
        .description("1 while the tenant has been quiet for much longer than its usual gap "
            + "(RECEIVER_SILENCE_FACTOR times, at least RECEIVER_SILENCE_MIN_SECONDS)")
        .register(registry);
    return traffic;
  }

  private final class TenantTraffic {
    private final String provider;
    private final String tenant;
    private long events;
    private long lastMillis;
    private double usualGapMillis;
    private long gaps;

    TenantTraffic(String provider, String tenant) {
      this.provider = provider;
      this.tenant = tenant;
    }

    synchronized void arrived(long nowMillis) {
      if (events > 0) {
        long gap = Math.max(0, nowMillis - lastMillis);
        usualGapMillis = gaps == 0 ? gap : SMOOTHING * gap + (1 - SMOOTHING) * usualGapMillis;
        gaps++;
      }
      events++;
      lastMillis = Math.max(lastMillis, nowMillis);
    }

    synchronized long lastMillis() {
      return lastMillis;
    }

    synchronized double usualGapSecondsOrNaN() {
      return gaps == 0 ? Double.NaN : usualGapMillis / 1000.0;
    }

    synchronized TenantView view(long nowMillis) {
      boolean judged = gaps >= GAPS_BEFORE_JUDGING;
      Duration quiet = Duration.ofMillis(Math.max(0, nowMillis - lastMillis));
      Duration threshold = rule.threshold(Duration.ofMillis(Math.round(usualGapMillis)));
      return new TenantView(provider, tenant, events, Instant.ofEpochMilli(lastMillis).toString(), quiet.toMillis() / 1000.0,
          gaps == 0 ? null : usualGapMillis / 1000.0, threshold.toMillis() / 1000.0,
          judged && quiet.compareTo(threshold) > 0);
    }
  }
}
