package lat.pipeline.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ScratchDirectoryTest {

  @Test
  void closingRemovesTheDirectoryWithEverythingUnderIt() throws Exception {
    Path path;
    try (ScratchDirectory scratch = ScratchDirectory.create("scratch-test")) {
      path = scratch.path();
      Files.createDirectories(scratch.resolve("kafka/kraft-logs/raw.alegra-0"));
      Files.writeString(scratch.resolve("kafka/kraft-logs/raw.alegra-0/00000000000000000000.log"), "records");
      Files.writeString(scratch.resolve("server.properties"), "node.id=1");
      assertThat(path).isDirectory();
    }
    assertThat(path).doesNotExist();
  }

  @Test
  void deletingWhatDoesNotExistIsNothing() throws Exception {
    Path missing = Path.of(System.getProperty("java.io.tmpdir"), "scratch-test-never-made-" + UUID.randomUUID());

    ScratchDirectory.deleteRecursively(missing);

    assertThat(missing).doesNotExist();
  }
}
