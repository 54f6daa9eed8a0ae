package lat.pipeline.dev.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The providers' sample bodies in the repository's {@code fixtures/<provider>/}: the one folder that
 * the README's examples, {@code ./pipeline dev} and every test use. Found by walking up from the
 * working directory to the repository's root, so a test runs from any module.
 */
public final class Fixtures {

  private Fixtures() {}

  public static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("fixtures");
      if (Files.isDirectory(candidate) && Files.isRegularFile(dir.resolve("pipeline"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("the repository's fixtures/ folder is not above " + Path.of("").toAbsolutePath());
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
