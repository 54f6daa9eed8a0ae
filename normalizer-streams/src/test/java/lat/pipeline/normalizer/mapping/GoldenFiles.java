package lat.pipeline.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares rendered output with the reviewed file under {@code src/test/resources/golden/}. Run
 * with {@code -Dgolden.update=true} to rewrite the files instead, then review the diff.
 */
public final class GoldenFiles {

  private static final Path ROOT = Path.of("src/test/resources/golden");
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  private GoldenFiles() {}

  /** @param name relative path, e.g. {@code obuma/cliente.created.json} */
  public static void assertMatches(String name, String actual) throws IOException {
    Path golden = ROOT.resolve(name);
    if (UPDATE) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
      return;
    }
    assertThat(golden).as("golden file %s (create it with -Dgolden.update=true)", golden).exists();
    assertThat(actual).as("output differs from %s; rerun with -Dgolden.update=true and review the diff", golden)
        .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}
