package lat.pipeline.receiver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailedAuthLimiterTest {

  @Test
  void failuresAreLimitedPerAddressAndOverAllAddressesWithABoundedTable() {
    FailedAuthLimiter limiter = new FailedAuthLimiter(3, 10, 4, Duration.ofMinutes(1));
    for (int i = 0; i < 3; i++) {
      limiter.recordFailure("198.51.100.1");
    }
    assertThat(limiter.isBlocked("198.51.100.1")).isTrue();
    assertThat(limiter.isBlocked("198.51.100.2")).isFalse();
    // Many addresses: the table holds at most 4, and together they exhaust the overall budget.
    for (int i = 0; i < 7; i++) {
      limiter.recordFailure("203.0.113." + i);
    }
    assertThat(limiter.trackedAddresses()).isEqualTo(4);
    assertThat(limiter.isBlocked("192.0.2.77")).as("overall budget used up").isTrue();
  }
}
