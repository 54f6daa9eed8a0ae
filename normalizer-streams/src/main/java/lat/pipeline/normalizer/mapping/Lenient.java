package lat.pipeline.normalizer.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Lenient reading of the values providers send: ids as strings or numbers, flags as "0"/"1",
 * numbers as strings, "0000-00-00" for no date. Each method answers empty when the value is not
 * what it should be, so the caller can keep the raw value instead of losing it.
 */
public final class Lenient {

  private static final Set<String> TRUE = Set.of("1", "true", "si", "sí", "s", "yes", "y");
  private static final Set<String> FALSE = Set.of("0", "false", "no", "n");
  private static final int MAX_NUMBER_TEXT = 64;
  /** Instants outside this range are typos or fuzz, and would overflow timestamp-millis. */
  private static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
  private static final long EPOCH_MILLIS_THRESHOLD = 100_000_000_000L; // below: seconds

  private static final List<DateTimeFormatter> LOCAL_DATE_TIMES =
      List.of(
          DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss][.SSS]"),
          DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm[:ss][.SSS]"));
  private static final List<DateTimeFormatter> LOCAL_DATES =
      List.of(DateTimeFormatter.ISO_LOCAL_DATE, DateTimeFormatter.ofPattern("dd/MM/yyyy"), DateTimeFormatter.ofPattern("dd-MM-yyyy"));

  private Lenient() {}

  /** JSON null, a missing value or blank text: the provider sent nothing. */
  public static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() || (node.isTextual() && node.textValue().isBlank());
  }

  public static Optional<String> text(JsonNode node) {
    if (isAbsent(node) || node.isContainerNode()) {
      return Optional.empty();
    }
    return Optional.of(node.isNumber() ? Json.plainNumber(node.decimalValue()) : node.asText());
  }

  /** Ids: text as sent (trimmed), numbers without a fraction part. */
  public static Optional<String> id(JsonNode node) {
    if (isAbsent(node) || node.isContainerNode() || node.isBoolean()) {
      return Optional.empty();
    }
    return Optional.of(node.isNumber() ? Json.plainNumber(node.decimalValue()) : node.asText().trim());
  }

  public static Optional<Boolean> flag(JsonNode node) {
    if (isAbsent(node)) {
      return Optional.empty();
    }
    if (node.isBoolean()) {
      return Optional.of(node.booleanValue());
    }
    if (node.isNumber() || node.isTextual()) {
      String value = node.isNumber() ? Json.plainNumber(node.decimalValue()) : node.textValue().trim().toLowerCase(Locale.ROOT);
      if (TRUE.contains(value)) {
        return Optional.of(true);
      }
      if (FALSE.contains(value)) {
        return Optional.of(false);
      }
    }
    return Optional.empty();
  }

  public static Optional<BigDecimal> decimal(JsonNode node) {
    if (isAbsent(node)) {
      return Optional.empty();
    }
    if (node.isNumber()) {
      return Optional.of(node.decimalValue());
    }
    if (node.isTextual() && node.textValue().trim().length() <= MAX_NUMBER_TEXT) {
      try {
        return Optional.of(new BigDecimal(node.textValue().trim()));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** True for OBUMA's "0000-00-00" (and "0000-00-00 00:00:00"), which means "no date". */
  public static boolean isZeroDate(JsonNode node) {
    return node != null && node.isTextual() && node.textValue().trim().startsWith("0000-00-00");
  }

  /** A date, from "yyyy-MM-dd" (a time part after it is ignored), "dd/MM/yyyy" or "dd-MM-yyyy". */
  public static Optional<LocalDate> date(JsonNode node) {
    if (isAbsent(node) || !node.isTextual() || isZeroDate(node)) {
      return Optional.empty();
    }
    String text = node.textValue().trim();
    String datePart = text.length() > 10 ? text.substring(0, 10) : text;
    for (DateTimeFormatter format : LOCAL_DATES) {
      try {
        LocalDate date = LocalDate.parse(datePart, format);
        return date.getYear() >= 1900 && date.getYear() <= 9999 ? Optional.of(date) : Optional.empty();
      } catch (DateTimeParseException e) {
        // try the next format
      }
    }
    return Optional.empty();
  }

  /**
   * An instant from epoch seconds or millis (number or digits), ISO-8601 with an offset, or a
   * local date-time in {@code zone} (asked only for a local date-time). Truncated to millis, the precision of the Avro type.
   */
  public static Optional<Instant> timestamp(JsonNode node, Supplier<ZoneId> zone) {
    if (isAbsent(node) || isZeroDate(node)) {
      return Optional.empty();
    }
    if (node.isIntegralNumber() || (node.isTextual() && node.textValue().trim().matches("\\d{1,15}"))) {
      return epoch(node.isIntegralNumber() ? node.asLong() : Long.parseLong(node.textValue().trim()));
    }
    if (!node.isTextual()) {
      return Optional.empty();
    }
    String text = node.textValue().trim();
    try {
      return inRange(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      // not ISO with an offset
    }
    for (DateTimeFormatter format : LOCAL_DATE_TIMES) {
      try {
        LocalDateTime local = LocalDateTime.parse(text, format);
        return inRange(local.atZone(zone.get()).toInstant());
      } catch (DateTimeParseException e) {
        // try the next format
      }
    }
    return Optional.empty();
  }

  /** One instant from a date split into day, month, year and "HH:mm[:ss]" parts, in {@code zone}. */
  public static Optional<Instant> splitDateTime(
      JsonNode day, JsonNode month, JsonNode year, JsonNode time, Supplier<ZoneId> zone) {
    Optional<BigDecimal> d = decimal(day);
    Optional<BigDecimal> m = decimal(month);
    Optional<BigDecimal> y = decimal(year);
    if (d.isEmpty() || m.isEmpty() || y.isEmpty()) {
      return Optional.empty();
    }
    try {
      LocalDate date = LocalDate.of(y.get().intValueExact(), m.get().intValueExact(), d.get().intValueExact());
      LocalTime localTime = isAbsent(time) ? LocalTime.MIDNIGHT : LocalTime.parse(time.asText().trim());
      LocalDateTime local = date.atTime(localTime);
      return inRange(local.atZone(zone.get()).toInstant());
    } catch (DateTimeException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  private static Optional<Instant> epoch(long value) {
    if (value < 0 || value > LATEST.toEpochMilli()) {
      return Optional.empty();
    }
    return inRange(value < EPOCH_MILLIS_THRESHOLD ? Instant.ofEpochSecond(value) : Instant.ofEpochMilli(value));
  }

  private static Optional<Instant> inRange(Instant instant) {
    if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
      return Optional.empty();
    }
    return Optional.of(instant.truncatedTo(ChronoUnit.MILLIS));
  }
}
