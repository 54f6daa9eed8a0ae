package lat.pipeline.receiver.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
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
  private static final JsonFactory JSON = new JsonFactory();

  private ObumaSignature() {}

  public static boolean verify(byte[] clientSecret, byte[] body, String presentedSignature) {
    if (presentedSignature == null || presentedSignature.isBlank()) {
      return false;
    }
    Envelope envelope = Envelope.read(body);
    if (envelope == null) {
      return false;
    }
    byte[] expected = sign(clientSecret, envelope.eventDate() + envelope.eventId());
    byte[] presented;
    try {
      presented = Base64.getDecoder().decode(presentedSignature.trim());
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
    return MessageDigest.isEqual(expected, presented);
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
