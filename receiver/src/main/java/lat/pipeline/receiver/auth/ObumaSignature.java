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
import java.time.ZoneId;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * OBUMA's webhook signature: {@code Obuma-Webhook-Signature} = base64(HMAC-SHA256(client secret,
 * eventDate + eventId)), taken from the envelope. The body itself is not covered (see
 * providers/NOTES.md), which is why the normalizer also deduplicates on eventId.
 */
public final class ObumaSignature {

  public static final String HEADER = "Obuma-Webhook-Signature";
  private static final ZoneId OBUMA_ZONE = ZoneId.of("America/Santiago");
  private static final JsonFactory JSON = new JsonFactory();

  private ObumaSignature() {}

  /** What a signature check found. */
  public enum Verdict {
    VALID("valid"),
    MISSING("missing " + HEADER),
    NO_ENVELOPE("the body is not an OBUMA envelope with eventId and eventDate"),
    WRONG("wrong " + HEADER),
    STALE("eventDate is unreadable or further from now than the allowed clock skew");

    public final String reason;

    Verdict(String reason) {
      this.reason = reason;
    }
  }

  /**
   * Checks the signature, then that the signed {@code eventDate} is within {@code maxSkew} of now:
   * the signature does not cover the body, so a captured request replayed later is refused.
   */
  public static Verdict verify(byte[] clientSecret, byte[] body, String presentedSignature, Instant now, Duration maxSkew) {
    if (presentedSignature == null || presentedSignature.isBlank()) {
      return Verdict.MISSING;
    }
    Envelope envelope = Envelope.read(body);
    if (envelope == null) {
      return Verdict.NO_ENVELOPE;
    }
    byte[] expected = sign(clientSecret, envelope.eventDate() + envelope.eventId());
    byte[] presented;
    try {
      presented = Base64.getDecoder().decode(presentedSignature.trim());
    } catch (IllegalArgumentException notBase64) {
      return Verdict.WRONG;
    }
    if (!MessageDigest.isEqual(expected, presented)) {
      return Verdict.WRONG;
    }
    Instant eventDate = parseEventDate(envelope.eventDate());
    if (eventDate == null || Duration.between(eventDate, now).abs().compareTo(maxSkew) > 0) {
      return Verdict.STALE;
    }
    return Verdict.VALID;
  }

  /** RFC 3339, Unix seconds, or OBUMA's local {@code yyyy-MM-dd HH:mm:ss} (Chilean time). */
  static Instant parseEventDate(String text) {
    String value = text.trim();
    try {
      if (value.chars().allMatch(Character::isDigit) && !value.isEmpty() && value.length() <= 12) {
        return Instant.ofEpochSecond(Long.parseLong(value));
      }
      if (value.endsWith("Z") || value.matches(".*[+-]\\d\\d:\\d\\d$")) {
        return OffsetDateTime.parse(value.replace(' ', 'T')).toInstant();
      }
      return LocalDateTime.parse(value.replace(' ', 'T')).atZone(OBUMA_ZONE).toInstant();
    } catch (DateTimeException | NumberFormatException unreadable) {
      return null;
    }
  }

  public static byte[] sign(byte[] clientSecret, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(clientSecret, "HmacSHA256"));
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
