package lat.pipeline.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory for a run's broker logs, registry and state, removed with everything in it on close:
 * a benchmark writes gigabytes there, which would otherwise pile up in the temporary directory.
 */
public final class ScratchDirectory implements AutoCloseable {

  private final Path path;

  private ScratchDirectory(Path path) {
    this.path = path;
  }

  /** A new directory under the system's temporary directory, its name starting with the prefix. */
  public static ScratchDirectory create(String prefix) throws IOException {
    return new ScratchDirectory(Files.createTempDirectory(prefix));
  }

  public Path path() {
    return path;
  }

  public Path resolve(String name) {
    return path.resolve(name);
  }

  /** Deletes the tree under {@code dir}, files before their folders; nothing when it does not exist. */
  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path entry : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(entry);
      }
    }
  }

  @Override
  public void close() {
    try {
      deleteRecursively(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not remove " + path, e);
    }
  }
}
