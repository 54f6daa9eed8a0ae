package lat.pipeline.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment variables that README.md's configuration table lists: the first column of the
 * table under the `## Configuration` heading; a cell may name several, separated by commas.
 */
final class ReadmeConfiguration {

  private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]*)`");

  private ReadmeConfiguration() {}

  static Set<String> variables(Path readme) {
    try {
      return variables(Files.readAllLines(readme));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Set<String> variables(List<String> lines) {
    Set<String> names = new TreeSet<>();
    boolean inSection = false;
    boolean inTable = false;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        if (inSection) {
          break;
        }
        inSection = line.trim().equalsIgnoreCase("## Configuration");
        continue;
      }
      if (!inSection) {
        continue;
      }
      if (!line.startsWith("|")) {
        if (inTable) {
          break;
        }
        continue;
      }
      String[] cells = line.split("\\|", -1);
      String first = cells.length > 1 ? cells[1].trim() : "";
      if (!inTable) {
        inTable = true;
        continue; // header row
      }
      if (first.matches("[-: ]+")) {
        continue; // separator row
      }
      for (String part : first.split(",")) {
        Matcher m = NAME.matcher(part.trim());
        if (!m.matches()) {
          throw new IllegalArgumentException("README configuration table: `" + part.trim()
              + "` in row `" + line + "` is not a `VARIABLE_NAME`");
        }
        names.add(m.group(1));
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("README.md has no configuration table under `## Configuration`");
    }
    return names;
  }
}
