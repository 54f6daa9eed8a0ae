package lat.pipeline.console.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import lat.pipeline.tools.CommandLine;
import lat.pipeline.tools.RecordJson;
import lat.pipeline.tools.ToolsConfig;
import lat.pipeline.tools.trace.Trace;

/**
 * An event's trail exactly as {@code ./pipeline trace} finds it: the command is run and its output
 * read back, each record's JSON line under the line that says what it is, the other lines kept as
 * notes (not found, nothing derived yet, what was scanned).
 *
 * @param found false when no raw record has the id (or it is not a receive id)
 */
public record Trail(String id, boolean found, List<Entry> entries, List<String> notes) {

  /** One record of the trail (record null: a note of the trail, e.g. "no fetched resource yet"). */
  public record Entry(String label, JsonNode record) {
    public boolean isCanonical() {
      return record != null && "avro".equals(record.path("valueEncoding").asText());
    }
  }

  public static Trail of(ToolsConfig config, String id) {
    Trace trace;
    try {
      trace = new Trace(Trace.Options.parse(new String[] {id}));
    } catch (CommandLine.UsageException e) {
      return new Trail(id, false, List.of(), List.of(e.getMessage()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = trace.run(config, outStream, errStream);
    }
    return parse(id, code == 0, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Trail parse(String id, boolean found, String out, String err) {
    List<Entry> entries = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<String> lines = out.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      boolean recordFollows = i + 1 < lines.size() && lines.get(i + 1).startsWith("{");
      if (recordFollows) {
        entries.add(new Entry(line, json(lines.get(++i))));
      } else if (found && i > 0 && !isSummary(line)) {
        entries.add(new Entry(line, null));
      } else {
        notes.add(line.strip());
      }
    }
    err.lines().forEach(notes::add);
    return new Trail(id, found, entries, notes);
  }

  /** The trace's closing lines: the count, "nothing derived", what it scanned. */
  private static boolean isSummary(String line) {
    return line.startsWith("Found ") || line.startsWith("Nothing derived") || line.startsWith("Scanned:") || line.startsWith("  ");
  }

  private static JsonNode json(String line) {
    try {
      return RecordJson.JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalStateException("trace printed a line that is not JSON: " + e.getMessage(), e);
    }
  }
}
