package lat.pipeline.receiver.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * OBUMA's webhook signature: {@code Obuma-Webhook-Signature} = base64 of the raw
 * HMAC-SHA256(key = the account's API key, message = eventDate + eventId), as OBUMA's own
 * WooCommerce and PrestaShop plugins compute it. The body itself is not covered, which is why the
 * normalizer also deduplicates on eventId.
 *
 * <p>OBUMA documents no format or zone for {@code eventDate}, and its plugins never check it. So a
 * correctly signed delivery whose date cannot be read is accepted (and counted by the caller); a
 * date without a zone is accepted if it lies within the skew of now in any zone; only a readable
 * date outside the skew is refused.
 */
public final class ObumaSignature {

  public static final String HEADER = "Obuma-Webhook-Signature";
  /** The zones a date without a zone may have been written in: UTC-12 to UTC+14. */
  private static final Duration EARLIEST_ZONE = Duration.ofHours(12);
  private static final Duration LATEST_ZONE = Duration.ofHours(14);
  private static final JsonFactory JSON = new JsonFactory();

  private ObumaSignature() {}

  /** What a signature check found. */
  public enum Verdict {
    VALID("valid"),
    VALID_UNREADABLE_DATE("valid, with an eventDate that could not be read"),
    MISSING("missing " + HEADER),
    NO_ENVELOPE("the body is not an OBUMA envelope with eventId and eventDate"),
    WRONG("wrong " + HEADER),
    STALE("eventDate is further from now than the allowed clock skew");

    public final String reason;

    Verdict(String reason) {
      this.reason = reason;
    }

    public boolean accepted() {
      return this == VALID || this == VALID_UNREADABLE_DATE;
    }

    /** Whether the caller proved it holds the key: a refused date then is no failed login. */
    public boolean signedByKeyHolder() {
      return accepted() || this == STALE;
    }
  }

  /**
   * Checks the signature, then that a readable signed {@code eventDate} is within {@code maxSkew}
   * of now: the signature does not cover the body, so a captured request replayed later is refused.
   */
  public static Verdict verify(byte[] apiKey, byte[] body, String presentedSignature, Instant now, Duration maxSkew) {
    if (presentedSignature == null || presentedSignature.isBlank()) {
      return Verdict.MISSING;
    }
    Envelope envelope = Envelope.read(body);
    if (envelope == null) {
      return Verdict.NO_ENVELOPE;
    }
    byte[] expected = sign(apiKey, envelope.eventDate() + envelope.eventId());
    byte[] presented;
    try {
      presented = Base64.getDecoder().decode(presentedSignature.trim());
    } catch (IllegalArgumentException notBase64) {
      return Verdict.WRONG;
    }
    if (!MessageDigest.isEqual(expected, presented)) {
      return Verdict.WRONG;
    }
    return withinSkew(envelope.eventDate().trim(), now, maxSkew);
  }

  /**
   * RFC 3339 or Unix seconds are compared as they are; a local {@code yyyy-MM-dd HH:mm:ss} (no
   * zone) passes if it is within the skew in some zone; anything else cannot be read.
   */
  static Verdict withinSkew(String value, Instant now, Duration maxSkew) {
    try {
      if (value.chars().allMatch(Character::isDigit) && !value.isEmpty() && value.length() <= 12) {
        return within(Instant.ofEpochSecond(Long.parseLong(value)), now.minus(maxSkew), now.plus(maxSkew));
      }
      if (value.endsWith("Z") || value.matches(".*[+-]\\d\\d:\\d\\d$")) {
        return within(OffsetDateTime.parse(value.replace(' ', 'T')).toInstant(), now.minus(maxSkew), now.plus(maxSkew));
      }
      Instant asUtc = LocalDateTime.parse(value.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
      return within(asUtc, now.minus(maxSkew).minus(EARLIEST_ZONE), now.plus(maxSkew).plus(LATEST_ZONE));
    } catch (DateTimeException | NumberFormatException unreadable) {
      return Verdict.VALID_UNREADABLE_DATE;
    }
  }

  private static Verdict within(Instant date, Instant earliest, Instant latest) {
    return date.isBefore(earliest) || date.isAfter(latest) ? Verdict.STALE : Verdict.VALID;
  }

  public static byte[] sign(byte[] apiKey, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(apiKey, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The two top-level envelope fields the signature covers, read without building a tree. */
  record Envelope(String eventId, String eventDate) {
    static Envelope read(byte[] body) {
      String eventId = null;
      String eventDate = null;
      try (JsonParser parser = JSON.createParser(body)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          return null;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken value = parser.nextToken();
          if (value.isScalarValue() && "eventId".equals(field)) {
            eventId = parser.getText();
          } else if (value.isScalarValue() && "eventDate".equals(field)) {
            eventDate = parser.getText();
          } else {
            parser.skipChildren();
          }
        }
      } catch (IOException malformed) {
        return null;
      }
      return eventId == null || eventDate == null ? null : new Envelope(eventId, eventDate);
    }
  }
}
