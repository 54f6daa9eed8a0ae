package lat.pipeline.fetcher.client;

import java.time.Duration;

/**
 * One answer of the Bsale API.
 *
 * @param retryAfter the {@code Retry-After} the API asked for, or null
 */
public record BsaleResponse(String request, int status, byte[] body, Duration retryAfter) {

  public boolean ok() {
    return status == 200;
  }

  /** Worth another try: too many requests (Bsale also answers 500 for that) or a server error. */
  public boolean retryable() {
    return retryable(status);
  }

  public static boolean retryable(int status) {
    return status == 429 || status >= 500;
  }
}
