package lat.pipeline.normalizer.mapping;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Parsing, canonical JSON text and content hashes shared by the mappers. */
public final class Json {

  /** 128 bits of SHA-256: plenty against accidental collisions, short enough for ids. */
  private static final int HASH_HEX_CHARS = 32;

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          // Money must not pass through double; keep the scale the provider sent.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .build();

  private Json() {}

  /** Parses a body or an embedded JSON string; malformed input is a "parse" failure. */
  public static JsonNode parse(byte[] bytes, String what) {
    if (bytes == null || bytes.length == 0) {
      throw MappingException.parse(what + " is empty");
    }
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw MappingException.parse(what + " holds no JSON value");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw MappingException.parse(what + " is not valid JSON: " + e.getOriginalMessage() + at(e.getLocation()));
    } catch (IOException e) {
      throw MappingException.parse(what + " cannot be read as JSON: " + e.getClass().getSimpleName());
    }
  }

  public static JsonNode parse(String text, String what) {
    return parse(text.getBytes(StandardCharsets.UTF_8), what);
  }

  /**
   * Compact JSON with object keys sorted and numbers in one form, so that two deliveries of the
   * same content give the same text whatever their whitespace, key order or trailing zeros.
   */
  public static String canonical(JsonNode node) {
    StringBuilder out = new StringBuilder();
    writeCanonical(node, out);
    return out.toString();
  }

  public static String sha256Hex(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_HEX_CHARS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A plain decimal string, except for absurd exponents that would expand to huge text. */
  public static String plainNumber(BigDecimal value) {
    BigDecimal stripped = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    return Math.abs(stripped.scale()) > 100 ? stripped.toString() : stripped.toPlainString();
  }

  private static void writeCanonical(JsonNode node, StringBuilder out) {
    if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
      fields.sort(Map.Entry.comparingByKey());
      out.append('{');
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        quote(fields.get(i).getKey(), out);
        out.append(':');
        writeCanonical(fields.get(i).getValue(), out);
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        writeCanonical(node.get(i), out);
      }
      out.append(']');
    } else if (node.isNumber()) {
      out.append(plainNumber(node.decimalValue()));
    } else if (node.isTextual()) {
      quote(node.textValue(), out);
    } else if (node.isBoolean()) {
      out.append(node.booleanValue());
    } else {
      out.append("null"); // JSON null, or a value that is missing altogether
    }
  }

  private static void quote(String text, StringBuilder out) {
    out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(text)).append('"');
  }

  private static String at(JsonLocation location) {
    return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }
}
