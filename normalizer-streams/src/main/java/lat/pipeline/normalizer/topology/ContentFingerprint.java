package lat.pipeline.normalizer.topology;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
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
 *
 * <p>Each value goes into the hash with a tag for its kind and the length of its text, so no value
 * can spell another split of the fields (a name holding {@code ;} or an attribute holding {@code ,})
 * and a missing value differs from the text {@code null}: records that say different things never
 * share a fingerprint, which would drop a real change as a no-op.
 */
public final class ContentFingerprint {

  private static final String SOURCE_FIELDS = "sourceFields";

  private ContentFingerprint() {}

  public static String of(IndexedRecord record) {
    Digest digest = new Digest();
    for (Schema.Field field : record.getSchema().getFields()) {
      if (field.name().equals(SOURCE_FIELDS)) {
        continue; // the payload as sent: its formatting (2500.00 or 2500.0, a fetch time) is no change
      }
      digest.text(field.name());
      if (field.name().equals("metadata")) {
        digest.text(lifecycleStep(((Metadata) record.get(field.pos())).getAction()));
      } else {
        digest.value(record.get(field.pos()));
      }
    }
    return HexFormat.of().formatHex(digest.sha256());
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

  /** SHA-256 over tagged values: a tag byte, then a length, then the content, gathered and hashed once. */
  private static final class Digest {
    private static final byte NULL = 0;
    private static final byte TEXT = 1;
    private static final byte RECORD = 2;
    private static final byte MAP = 3;
    private static final byte LIST = 4;
    private static final byte DECIMAL = 5;
    private static final byte BYTES = 6;
    private static final byte OTHER = 7;

    /** Grown as needed; not a ByteArrayOutputStream, whose every one-byte write takes a lock. */
    private byte[] content = new byte[1024];
    private int size;

    void value(Object value) {
      if (value == null) {
        write(NULL);
      } else if (value instanceof CharSequence text) {
        tagged(TEXT, text.toString());
      } else if (value instanceof IndexedRecord nested) {
        write(RECORD);
        length(nested.getSchema().getFields().size());
        for (Schema.Field field : nested.getSchema().getFields()) {
          text(field.name());
          value(nested.get(field.pos()));
        }
      } else if (value instanceof Map<?, ?> map) {
        write(MAP);
        length(map.size());
        Map<String, Object> sorted = new TreeMap<>();
        map.forEach((key, entry) -> sorted.put(String.valueOf(key), entry));
        sorted.forEach((key, entry) -> {
          text(key);
          value(entry);
        });
      } else if (value instanceof List<?> list) {
        write(LIST);
        length(list.size());
        list.forEach(this::value);
      } else if (value instanceof BigDecimal decimal) {
        tagged(DECIMAL, decimal.stripTrailingZeros().toPlainString());
      } else if (value instanceof ByteBuffer bytes) {
        byte[] copy = new byte[bytes.remaining()];
        bytes.duplicate().get(copy);
        write(BYTES);
        length(copy.length);
        write(copy);
      } else {
        tagged(OTHER, value.toString());
      }
    }

    void text(String text) {
      tagged(TEXT, text);
    }

    byte[] sha256() {
      try {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(content, 0, size);
        return sha256.digest();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    private void tagged(byte tag, String text) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      write(tag);
      length(bytes.length);
      write(bytes);
    }

    private void length(int length) {
      ensureRoom(4);
      content[size++] = (byte) (length >>> 24);
      content[size++] = (byte) (length >>> 16);
      content[size++] = (byte) (length >>> 8);
      content[size++] = (byte) length;
    }

    private void write(byte tag) {
      ensureRoom(1);
      content[size++] = tag;
    }

    private void write(byte[] bytes) {
      ensureRoom(bytes.length);
      System.arraycopy(bytes, 0, content, size, bytes.length);
      size += bytes.length;
    }

    private void ensureRoom(int more) {
      if (size + more > content.length) {
        content = Arrays.copyOf(content, Math.max(content.length * 2, size + more));
      }
    }
  }
}
