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

  /** A file that must exist and be readable; empty when the variable is unset. */
  public java.util.Optional<java.nio.file.Path> file(String name) {
    String value = string(name, "");
    if (value.isEmpty()) {
      return java.util.Optional.empty();
    }
    java.nio.file.Path path = java.nio.file.Path.of(value);
    if (!java.nio.file.Files.isReadable(path) || java.nio.file.Files.isDirectory(path)) {
      throw new ConfigException(name + " names " + path + ", which is not a readable file");
    }
    return java.util.Optional.of(path);
  }

  /**
   * The content of the file a variable names (a mounted secret), trimmed; empty when unset. Errors
   * name the variable and the file, never the content.
   */
  public java.util.Optional<String> secretFile(String name) {
    return file(name).map(path -> {
      try {
        String content = java.nio.file.Files.readString(path).strip();
        if (content.isEmpty()) {
          throw new ConfigException(name + " names " + path + ", which is empty");
        }
        return content;
      } catch (java.io.IOException e) {
        throw new ConfigException(name + " names " + path + ", which cannot be read: " + e.getClass().getSimpleName());
      }
    });
  }

  public boolean isSet(String name) {
    return !string(name, "").isEmpty();
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
