package lat.pipeline.normalizer.mapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The provider sample bodies: the repository's {@code fixtures/<provider>/}, plus this module's own
 * {@code src/test/resources/samples/<provider>/} for events the providers' documents do not show.
 */
public final class Fixtures {

  public static final List<String> PROVIDERS = List.of("obuma", "alegra", "ninox", "bsale");

  private Fixtures() {}

  public static Path sharedFixtures() {
    return lat.pipeline.dev.testing.Fixtures.root();
  }

  public static Path moduleSamples() {
    return Path.of("src/test/resources/samples");
  }

  /** The shared fixtures of one provider, sorted by name. */
  public static List<Path> shared(String provider) {
    return list(sharedFixtures().resolve(provider));
  }

  public static List<Path> samples(String provider) {
    return list(moduleSamples().resolve(provider));
  }

  public static Path shared(String provider, String fileName) {
    return sharedFixtures().resolve(provider).resolve(fileName);
  }

  public static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code cliente.created.json} -> {@code cliente.created}. */
  public static String baseName(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
