package lat.pipeline.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root: the nearest folder above the working directory with `pipeline` and `pom.xml`. */
final class RepoRoot {

  private RepoRoot() {}

  static Path find() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("pipeline")) && Files.isRegularFile(d.resolve("pom.xml"))) {
        return d;
      }
    }
    throw new IllegalStateException("No folder with `pipeline` and `pom.xml` above " + dir);
  }
}
