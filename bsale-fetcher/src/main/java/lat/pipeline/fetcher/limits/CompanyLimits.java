package lat.pipeline.fetcher.limits;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import lat.pipeline.fetcher.client.BsaleResponse;

/**
 * What stands between the fetcher and Bsale, per company ({@code cpnId}, one token each):
 *
 * <ul>
 *   <li>a {@link RateLimiter}: one permit every {@code 1/rate} seconds, so no second ever sees more
 *       than {@code rate + 1} requests (the +1 is the limiter's burst at a window's edge);
 *       waiting for a permit is a scheduled continuation, not a blocked thread;
 *   <li>a {@link CircuitBreaker}: server errors and timeouts open it, so a failing company stops
 *       being called for a while; others are not affected;
 *   <li>a {@link Retry} with exponential backoff and jitter (or the API's {@code Retry-After}) on
 *       429, 5xx, timeouts and an open breaker, up to a number of attempts and never past the
 *       notification's wait bound.
 * </ul>
 */
public final class CompanyLimits {

  private final RateLimiterRegistry rateLimiters;
  private final CircuitBreakerRegistry circuitBreakers;
  private final RetryConfig retryConfig;
  private final ScheduledExecutorService scheduler;

  /** The wait bound passed: the last outcome, if any, is in the message. */
  public static final class WaitBoundExceeded extends RuntimeException {
    public WaitBoundExceeded(String message) {
      super(message, null, false, false);
    }
  }

  public CompanyLimits(LimitSettings settings, ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
    this.rateLimiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
        .limitForPeriod(1)
        .limitRefreshPeriod(Duration.ofNanos(1_000_000_000L / settings.ratePerSecond()))
        .timeoutDuration(settings.maxWait())
        .build());
    this.circuitBreakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(20)
        .minimumNumberOfCalls(10)
        .failureRateThreshold(50)
        .waitDurationInOpenState(settings.breakerOpen())
        .permittedNumberOfCallsInHalfOpenState(2)
        .recordResult(result -> result instanceof BsaleResponse response && response.status() >= 500)
        .build());
    Duration base = settings.backoffBase();
    Duration cap = settings.backoffCap();
    this.retryConfig = RetryConfig.<BsaleResponse>custom()
        .maxAttempts(settings.maxAttempts())
        .retryOnResult(BsaleResponse::retryable)
        .retryOnException(error -> !(unwrap(error) instanceof WaitBoundExceeded))
        .failAfterMaxAttempts(false)
        .intervalBiFunction((Integer attempt, Either<Throwable, BsaleResponse> outcome) -> {
          long exponential = Math.min(cap.toMillis(), base.toMillis() * (1L << Math.min(20, attempt - 1)));
          long jittered = (long) (exponential * (0.5 + ThreadLocalRandom.current().nextDouble())); // x0.5 .. x1.5
          Duration asked = outcome.isRight() && outcome.get() != null ? outcome.get().retryAfter() : null;
          return asked == null ? jittered : Math.max(jittered, asked.toMillis());
        })
        .build();
  }

  /**
   * Runs {@code call} under the company's limits. Completes with the last answer (a retryable one
   * once the attempts are used up) or exceptionally with the last error or {@link WaitBoundExceeded}.
   */
  public CompletableFuture<BsaleResponse> call(String company, Instant deadline, Supplier<CompletableFuture<BsaleResponse>> call) {
    RateLimiter limiter = rateLimiters.rateLimiter(company);
    CircuitBreaker breaker = circuitBreakers.circuitBreaker(company);
    Retry retry = Retry.of("bsale-" + company, retryConfig);
    String[] last = {"none"};
    Supplier<java.util.concurrent.CompletionStage<BsaleResponse>> attempt = () -> {
      if (Instant.now().isAfter(deadline)) {
        return CompletableFuture.failedFuture(new WaitBoundExceeded("waited past the bound; last outcome: " + last[0]));
      }
      long waitNanos = limiter.reservePermission();
      if (waitNanos < 0) {
        return CompletableFuture.failedFuture(new WaitBoundExceeded("no rate permit within the wait bound; last outcome: " + last[0]));
      }
      CompletableFuture<Void> permitted = waitNanos == 0
          ? CompletableFuture.completedFuture(null)
          : CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(waitNanos, TimeUnit.NANOSECONDS, scheduler));
      return permitted
          .thenCompose(ignored -> breaker.executeCompletionStage(call::get).toCompletableFuture())
          .whenComplete((response, error) -> last[0] = response != null
              ? "status " + response.status()
              : describe(unwrap(error)));
    };
    return retry.executeCompletionStage(scheduler, attempt).toCompletableFuture();
  }

  public CircuitBreaker.State breakerState(String company) {
    return circuitBreakers.circuitBreaker(company).getState();
  }

  public static String describe(Throwable error) {
    if (error instanceof CallNotPermittedException) {
      return "circuit breaker open";
    }
    if (error instanceof java.net.http.HttpTimeoutException) {
      return "timed out";
    }
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  public static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
