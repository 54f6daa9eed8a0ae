package lat.pipeline.config;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads configuration from environment variables once, at start-up, with a documented default
 * for each; a bad value fails fast with a message naming the variable. Nothing else in the code
 * reads the environment.
 */
public final class Env {

  private final Map<String, String> variables;

  public Env(Map<String, String> variables) {
    this.variables = Map.copyOf(variables);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  public String string(String name, String defaultValue) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? defaultValue : value.trim();
  }

  /** A comma-separated list; empty when unset. */
  public java.util.List<String> list(String name) {
    String value = string(name, "");
    return value.isEmpty()
        ? java.util.List.of()
        : java.util.Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
  }

  public int integer(String name, int defaultValue, int min, int max) {
    int value = parse(name, defaultValue, Integer::parseInt);
    if (value < min || value > max) {
      throw new ConfigException(name + " must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }

  public long longValue(String name, long defaultValue, long min) {
    long value = parse(name, defaultValue, Long::parseLong);
    if (value < min) {
      throw new ConfigException(name + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  public Duration millis(String name, long defaultMillis, long minMillis) {
    return Duration.ofMillis(longValue(name, defaultMillis, minMillis));
  }

  public boolean flag(String name, boolean defaultValue) {
    return parse(
        name,
        defaultValue,
        raw -> switch (raw.toLowerCase()) {
          case "true", "1", "yes" -> true;
          case "false", "0", "no" -> false;
          default -> throw new IllegalArgumentException("expected true or false");
        });
  }

  private <T> T parse(String name, T defaultValue, Function<String, T> parser) {
    String raw = variables.get(name);
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    try {
      return parser.apply(raw.trim());
    } catch (RuntimeException e) {
      throw new ConfigException(name + " has a bad value '" + raw + "': " + e.getMessage());
    }
  }

  /** A configuration value that the service cannot start with. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }
}
