package lat.pipeline.dev.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The providers' sample bodies in {@code shared/fixtures/}, which lies beside the repository's
 * folder (on a developer's machine and in CI alike).
 */
public final class Fixtures {

  private Fixtures() {}

  public static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("fixtures");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("shared/fixtures not found above " + Path.of("").toAbsolutePath());
  }

  /** Every fixture file of a provider, sorted by name. */
  public static List<Path> of(String provider) {
    try (Stream<Path> files = Files.list(root().resolve(provider))) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture's file name without {@code .json}: for OBUMA, the event key. */
  public static String name(Path fixture) {
    String file = fixture.getFileName().toString();
    return file.endsWith(".json") ? file.substring(0, file.length() - 5) : file;
  }
}
