package lat.pipeline.receiver.health;

import java.time.Duration;
import lat.pipeline.config.Env;

/**
 * When a tenant counts as silent: no event for {@code factor} times its usual gap, and never before
 * {@code minimum} has passed (a tenant that sends every few seconds is not silent after a minute).
 */
public record SilenceRule(double factor, Duration minimum) {

  public static SilenceRule fromEnv(Env env) {
    int factor = env.integer("RECEIVER_SILENCE_FACTOR", 10, 2, 10_000);
    return new SilenceRule(factor, Duration.ofSeconds(env.longValue("RECEIVER_SILENCE_MIN_SECONDS", 3_600, 1)));
  }

  /** Silent after this long without an event, given the usual gap between events. */
  public Duration threshold(Duration usualGap) {
    Duration scaled = Duration.ofMillis(Math.round(usualGap.toMillis() * factor));
    return scaled.compareTo(minimum) > 0 ? scaled : minimum;
  }
}
