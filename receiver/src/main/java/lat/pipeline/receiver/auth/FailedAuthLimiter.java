package lat.pipeline.receiver.auth;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Limits failed authentications, so that tokens cannot be guessed at speed: per client address, and
 * over all addresses together (behind an ingress many callers share an address, and an attacker may
 * have many). Only failures are limited and only failing requests are refused: the caller checks
 * credentials first, so a request with valid credentials is never answered 429 because of others.
 *
 * <p>Memory is bounded: at most {@code maxAddresses} addresses are tracked (further ones count
 * toward the overall budget only), and addresses whose budget is whole again are forgotten.
 */
public final class FailedAuthLimiter {

  private final RateLimiterRegistry perAddress;
  private final RateLimiter overall;
  private final int failuresPerPeriod;
  private final int maxAddresses;
  private final AtomicInteger tracked = new AtomicInteger();

  public FailedAuthLimiter(int failuresPerPeriod, int overallFailuresPerPeriod, int maxAddresses, Duration period) {
    this.failuresPerPeriod = failuresPerPeriod;
    this.maxAddresses = maxAddresses;
    this.perAddress = RateLimiterRegistry.of(config(failuresPerPeriod, period));
    this.overall = RateLimiter.of("all-addresses", config(overallFailuresPerPeriod, period));
  }

  private static RateLimiterConfig config(int limit, Duration period) {
    return RateLimiterConfig.custom().limitForPeriod(limit).limitRefreshPeriod(period).timeoutDuration(Duration.ZERO).build();
  }

  /** Whether a request that failed to authenticate from this address is refused (429) rather than told 401. */
  public boolean isBlocked(String address) {
    return exhausted(overall)
        || perAddress.find(address).map(FailedAuthLimiter::exhausted).orElse(false);
  }

  public void recordFailure(String address) {
    overall.acquirePermission();
    RateLimiter limiter = perAddress.find(address).orElse(null);
    if (limiter == null && tracked.incrementAndGet() <= maxAddresses) {
      limiter = perAddress.rateLimiter(address);
    } else if (limiter == null) {
      tracked.decrementAndGet();
    }
    if (limiter != null) {
      limiter.acquirePermission();
    }
  }

  /** Forgets addresses whose budget has refilled; run periodically. */
  public void forgetRecovered() {
    for (RateLimiter limiter : perAddress.getAllRateLimiters()) {
      if (limiter.getMetrics().getAvailablePermissions() >= failuresPerPeriod) {
        perAddress.remove(limiter.getName());
      }
    }
    // Concurrent first failures of one address may have counted it twice: count afresh.
    tracked.set(perAddress.getAllRateLimiters().size());
  }

  public int trackedAddresses() {
    return perAddress.getAllRateLimiters().size();
  }

  private static boolean exhausted(RateLimiter limiter) {
    return limiter.getMetrics().getAvailablePermissions() <= 0;
  }
}
