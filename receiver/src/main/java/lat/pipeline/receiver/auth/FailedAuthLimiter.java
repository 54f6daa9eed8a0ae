package lat.pipeline.receiver.auth;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;

/**
 * Limits failed authentications per client address: past the limit, that address is answered 429
 * until its budget refills, whatever it sends, so that tokens cannot be guessed at speed. Addresses
 * whose budget is whole again are forgotten, so the table stays small.
 */
public final class FailedAuthLimiter {

  private final RateLimiterRegistry registry;
  private final int failuresPerPeriod;

  public FailedAuthLimiter(int failuresPerPeriod, Duration period) {
    this.failuresPerPeriod = failuresPerPeriod;
    this.registry = RateLimiterRegistry.of(RateLimiterConfig.custom()
        .limitForPeriod(failuresPerPeriod)
        .limitRefreshPeriod(period)
        .timeoutDuration(Duration.ZERO)
        .build());
  }

  /** Whether this address has used up its failures for now. */
  public boolean isBlocked(String address) {
    return registry.find(address).map(limiter -> limiter.getMetrics().getAvailablePermissions() <= 0).orElse(false);
  }

  public void recordFailure(String address) {
    registry.rateLimiter(address).acquirePermission();
  }

  /** Forgets addresses whose budget has refilled; run periodically. */
  public void forgetRecovered() {
    for (RateLimiter limiter : registry.getAllRateLimiters()) {
      if (limiter.getMetrics().getAvailablePermissions() >= failuresPerPeriod) {
        registry.remove(limiter.getName());
      }
    }
  }

  public int trackedAddresses() {
    return registry.getAllRateLimiters().size();
  }
}
