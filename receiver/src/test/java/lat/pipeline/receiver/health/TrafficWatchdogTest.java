package lat.pipeline.receiver.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import lat.pipeline.config.Env;
import org.junit.jupiter.api.Test;

class TrafficWatchdogTest {

  /** A clock the test moves by hand. */
  private static final class HandClock extends Clock {
    private Instant now = Instant.parse("2026-12-01T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private final HandClock clock = new HandClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TrafficWatchdog watchdog = new TrafficWatchdog(new SilenceRule(10, Duration.ofMinutes(5)), clock, registry);

  @Test
  void aTenantQuietForFactorTimesItsUsualGapIsSilentUntilItsNextEvent() {
    for (int i = 0; i < 5; i++) {
      watchdog.arrived("alegra", "acme");
      clock.advance(Duration.ofMinutes(1));
    }
    TrafficWatchdog.TenantView view = only();
    assertThat(view.usualGapSeconds()).isEqualTo(60.0);
    assertThat(view.silentAfterSeconds()).isEqualTo(600.0);
    assertThat(view.silent()).isFalse();
    assertThat(gauge("webhook_usual_gap_seconds")).isEqualTo(60.0);

    clock.advance(Duration.ofMinutes(9).plusSeconds(1));
    assertThat(only().silent()).isTrue();
    assertThat(gauge("webhook_tenant_silent")).isEqualTo(1.0);
    assertThat(gauge("webhook_last_event_timestamp_seconds"))
        .isEqualTo(Instant.parse("2026-12-01T00:04:00Z").getEpochSecond());

    watchdog.arrived("alegra", "acme");
    assertThat(only().silent()).isFalse();
    assertThat(only().events()).isEqualTo(6);
    assertThat(gauge("webhook_tenant_silent")).isZero();
  }

  @Test
  void aBusyTenantIsNotSilentBeforeTheMinimumNorIsANewTenantJudgedBeforeAFewGaps() {
    for (int i = 0; i < 10; i++) {
      watchdog.arrived("ninox", "busy");
      clock.advance(Duration.ofSeconds(1));
    }
    watchdog.arrived("obuma", "new");
    watchdog.arrived("obuma", "new");
    clock.advance(Duration.ofMinutes(4));
    assertThat(watchdog.snapshot()).extracting(TrafficWatchdog.TenantView::silent).containsOnly(false);

    clock.advance(Duration.ofMinutes(2));
    assertThat(watchdog.snapshot())
        .extracting(TrafficWatchdog.TenantView::tenant, TrafficWatchdog.TenantView::silent)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("busy", true), org.assertj.core.groups.Tuple.tuple("new", false));
  }

  @Test
  void theUsualGapFollowsAChangeOfPaceWithoutKeepingHistory() {
    for (int i = 0; i < 4; i++) {
      watchdog.arrived("alegra", "acme");
      clock.advance(Duration.ofMinutes(10));
    }
    for (int i = 0; i < 30; i++) {
      watchdog.arrived("alegra", "acme");
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(only().usualGapSeconds()).isBetween(60.0, 61.0);
    assertThat(registry.getMeters()).hasSize(3);
  }

  @Test
  void theRuleComesFromTheEnvironmentWithDefaultsAndRefusesAFactorBelowTwo() {
    assertThat(SilenceRule.fromEnv(new Env(Map.of()))).isEqualTo(new SilenceRule(10, Duration.ofHours(1)));
    assertThat(SilenceRule.fromEnv(new Env(Map.of("RECEIVER_SILENCE_FACTOR", "4", "RECEIVER_SILENCE_MIN_SECONDS", "60"))))
        .isEqualTo(new SilenceRule(4, Duration.ofMinutes(1)));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SilenceRule.fromEnv(new Env(Map.of("RECEIVER_SILENCE_FACTOR", "1"))))
        .hasMessageContaining("RECEIVER_SILENCE_FACTOR");
  }

  private TrafficWatchdog.TenantView only() {
    assertThat(watchdog.snapshot()).hasSize(1);
    return watchdog.snapshot().get(0);
  }

  private double gauge(String name) {
    return registry.get(name).tag("provider", "alegra").tag("tenant", "acme").gauge().value();
  }
}
