package lat.pipeline.schemas;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Record headers as UTF-8 text, the way every header of the pipeline's topics is written. */
public final class TextHeaders {

  private TextHeaders() {}

  /** The last value of {@code name}, or null when the record does not have it. */
  public static String get(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  public static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces every value of {@code name} with {@code value}. */
  public static void put(Headers headers, String name, String value) {
    headers.remove(name);
    add(headers, name, value);
  }
}
