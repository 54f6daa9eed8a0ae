package lat.pipeline.normalizer.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Metadata;
import org.apache.avro.generic.IndexedRecord;

/**
 * What a canonical record says about its entity, without where it came from: a hash of every field
 * but {@code metadata} (whose event id, receive time and raw offset differ on every delivery), plus
 * the metadata's action (a deletion with the same fields as the last state is still a change), with
 * map entries in key order so that a decoded record and a freshly mapped one compare equal.
 */
public final class ContentFingerprint {

  private static final String SOURCE_FIELDS = "sourceFields";

  private ContentFingerprint() {}

  public static String of(IndexedRecord record) {
    StringBuilder text = new StringBuilder();
    for (Schema.Field field : record.getSchema().getFields()) {
      if (field.name().equals(SOURCE_FIELDS)) {
        continue; // the payload as sent: its formatting (2500.00 or 2500.0, a fetch time) is no change
      }
      if (field.name().equals("metadata")) {
        text.append("action=").append(lifecycleStep(((Metadata) record.get(field.pos())).getAction())).append(';');
      } else {
        text.append(field.name()).append('=');
        append(text, record.get(field.pos()));
        text.append(';');
      }
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A creation and a deletion differ from an update with the same fields; the kinds of update do
   * not: whether a snapshot is called DEACTIVATED depends on the state before it, not on its content,
   * so a repeat of it is still a no-op.
   */
  private static String lifecycleStep(Action action) {
    return switch (action) {
      case CREATED, DELETED -> action.name();
      default -> "CHANGED";
    };
  }

  private static void append(StringBuilder text, Object value) {
    if (value instanceof IndexedRecord nested) {
      text.append('{');
      for (Schema.Field field : nested.getSchema().getFields()) {
        text.append(field.name()).append('=');
        append(text, nested.get(field.pos()));
        text.append(';');
      }
      text.append('}');
    } else if (value instanceof Map<?, ?> map) {
      text.append('{');
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((key, entry) -> sorted.put(String.valueOf(key), entry));
      sorted.forEach((key, entry) -> {
        text.append(key).append(':');
        append(text, entry);
        text.append(',');
      });
      text.append('}');
    } else if (value instanceof List<?> list) {
      text.append('[');
      list.forEach(item -> {
        append(text, item);
        text.append(',');
      });
      text.append(']');
    } else if (value instanceof java.math.BigDecimal decimal) {
      text.append(decimal.stripTrailingZeros().toPlainString());
    } else {
      text.append(value);
    }
  }
}
