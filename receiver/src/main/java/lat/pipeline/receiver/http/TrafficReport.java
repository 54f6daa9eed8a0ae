package lat.pipeline.receiver.http;

import java.time.Instant;
import java.util.List;
import lat.pipeline.receiver.health.TrafficWatchdog;

/** The body of {@code GET /ops/traffic}: the silence watchdog's view of every tenant, for the console. */
record TrafficReport(String generatedAt, double silenceFactor, long silenceMinimumSeconds,
    List<TrafficWatchdog.TenantView> tenants) {

  static TrafficReport of(TrafficWatchdog watchdog) {
    return new TrafficReport(Instant.now().toString(), watchdog.rule().factor(), watchdog.rule().minimum().toSeconds(),
        watchdog.snapshot());
  }
}
