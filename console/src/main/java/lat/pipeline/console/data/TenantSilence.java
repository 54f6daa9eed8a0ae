package lat.pipeline.console.data;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receivers' silence watchdog, per provider and tenant, from their {@code /metrics}
 * ({@code webhook_tenant_silent}, {@code webhook_last_event_timestamp_seconds},
 * {@code webhook_usual_gap_seconds}). With several receivers each sees its share of a tenant's
 * traffic, so, as the WebhookTenantSilent alert does, a tenant is silent only when every receiver
 * that heard from it says so; its last event is the latest any saw, its usual gap the shortest.
 */
public final class TenantSilence {

  /**
   * One provider and tenant heard from since the receivers started.
   *
   * @param usualGap null until a receiver has seen a gap
   */
  public record Row(String provider, String tenant, boolean silent, Instant lastEvent, Duration usualGap) {}

  private TenantSilence() {}

  /** Silent tenants first, then by provider and tenant. */
  public static List<Row> of(List<ServiceMetrics.Scrape> receivers) {
    Map<List<String>, Row> rows = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
    for (ServiceMetrics.Scrape receiver : receivers) {
      for (ServiceMetrics.Sample silent : receiver.named("webhook_tenant_silent")) {
        Map<String, String> labels = silent.labels();
        List<String> key = List.of(labels.getOrDefault("provider", ""), labels.getOrDefault("tenant", ""));
        Row here = new Row(key.get(0), key.get(1), silent.value() == 1,
            Instant.ofEpochMilli((long) (value(receiver, "webhook_last_event_timestamp_seconds", labels) * 1000)),
            gap(value(receiver, "webhook_usual_gap_seconds", labels)));
        rows.merge(key, here, TenantSilence::combine);
      }
    }
    return rows.values().stream().sorted(Comparator.comparing((Row row) -> !row.silent())).toList();
  }

  private static Row combine(Row a, Row b) {
    Duration gap = a.usualGap() == null ? b.usualGap()
        : b.usualGap() == null ? a.usualGap() : a.usualGap().compareTo(b.usualGap()) <= 0 ? a.usualGap() : b.usualGap();
    return new Row(a.provider(), a.tenant(), a.silent() && b.silent(),
        a.lastEvent().isAfter(b.lastEvent()) ? a.lastEvent() : b.lastEvent(), gap);
  }

  private static double value(ServiceMetrics.Scrape receiver, String name, Map<String, String> labels) {
    return receiver.named(name).stream().filter(sample -> sample.labels().equals(labels))
        .mapToDouble(ServiceMetrics.Sample::value).findFirst().orElse(Double.NaN);
  }

  private static Duration gap(double seconds) {
    return Double.isNaN(seconds) ? null : Duration.ofMillis((long) (seconds * 1000));
  }
}
