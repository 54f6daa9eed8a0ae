package lat.pipeline.tools;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The times and durations the commands take. */
public final class Times {

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Times() {}

  /** RFC 3339 ({@code 2026-12-01T10:00:00Z}), or {@code earliest}: empty, the beginning of the topic. */
  public static Optional<Instant> timeOrEarliest(String text) {
    if (text.equals("earliest")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      throw new CommandLine.UsageException("not an RFC 3339 time (2026-12-01T10:00:00Z) or 'earliest': " + text);
    }
  }

  /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}, {@code 500ms}, or ISO 8601 ({@code PT1H30M}). */
  public static Duration duration(String text) {
    Matcher matcher = SHORT_DURATION.matcher(text);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new CommandLine.UsageException("not a duration (30m, 2h, 1d or PT1H30M): " + text);
    }
  }
}
