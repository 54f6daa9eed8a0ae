package lat.pipeline.fetcher.limits;

import java.time.Duration;

/**
 * @param ratePerSecond requests per second per company
 * @param maxWait longest a notification may wait, from intake to its last attempt
 * @param maxAttempts attempts per call, the first included
 * @param backoffBase first retry delay; doubled each time, jittered x0.5..x1.5, capped at {@code backoffCap}
 * @param breakerOpen how long an open circuit breaker refuses calls
 */
public record LimitSettings(
    int ratePerSecond, Duration maxWait, int maxAttempts, Duration backoffBase, Duration backoffCap, Duration breakerOpen) {}
