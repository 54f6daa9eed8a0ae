package lat.pipeline.receiver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import lat.pipeline.receiver.auth.ObumaSignature.Verdict;
import org.junit.jupiter.api.Test;

class ObumaSignatureTest {

  private static final byte[] API_KEY = "account-api-key".getBytes(StandardCharsets.UTF_8);
  private static final Duration SKEW = Duration.ofMinutes(10);

  @Test
  void theSignatureIsBase64OfTheRawHmacSha256OfEventDateThenEventIdKeyedWithTheApiKey() {
    // Computed independently: base64(hmac.new(b"account-api-key", b"2026-12-01 10:15:00evt-42", sha256).digest()).
    String expected = "wBvlzF+izokRstNuqlG7RYp7AGhlz7F+6TElEkak29c=";
    byte[] body = "{\"eventId\":\"evt-42\",\"eventDate\":\"2026-12-01 10:15:00\",\"eventData\":{}}".getBytes(StandardCharsets.UTF_8);
    Instant now = Instant.parse("2026-12-01T13:15:00Z");
    assertThat(ObumaSignature.verify(API_KEY, body, expected, now, SKEW)).isEqualTo(Verdict.VALID);
    assertThat(ObumaSignature.verify("other-key".getBytes(StandardCharsets.UTF_8), body, expected, now, SKEW)).isEqualTo(Verdict.WRONG);
  }

  // Fails on main before this change: unreadable dates and zone-less dates in another zone were STALE.
  @Test
  void onlyAReadableDateOutsideTheSkewIsStale() {
    Instant now = Instant.parse("2026-12-01T13:15:00Z");
    assertThat(ObumaSignature.withinSkew("ayer por la tarde", now, SKEW)).isEqualTo(Verdict.VALID_UNREADABLE_DATE);
    assertThat(ObumaSignature.withinSkew("2026-12-01T13:20:00Z", now, SKEW)).isEqualTo(Verdict.VALID);
    assertThat(ObumaSignature.withinSkew("2026-12-01T12:00:00Z", now, SKEW)).isEqualTo(Verdict.STALE);
    assertThat(ObumaSignature.withinSkew(Long.toString(now.getEpochSecond() - 60), now, SKEW)).isEqualTo(Verdict.VALID);
    // No zone: UTC clock, Chilean clock, Auckland clock all pass; two days off does not.
    assertThat(ObumaSignature.withinSkew("2026-12-01 13:15:00", now, SKEW)).isEqualTo(Verdict.VALID);
    assertThat(ObumaSignature.withinSkew("2026-12-01 10:15:00", now, SKEW)).isEqualTo(Verdict.VALID);
    assertThat(ObumaSignature.withinSkew("2026-12-02 02:15:00", now, SKEW)).isEqualTo(Verdict.VALID);
    assertThat(ObumaSignature.withinSkew("2026-11-29 13:15:00", now, SKEW)).isEqualTo(Verdict.STALE);
  }
}
