package lat.pipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaParser;
import org.junit.jupiter.api.Test;

/**
 * The canonical topics are registered with BACKWARD compatibility: a consumer on the current schema
 * must read every record written with the released one. This fails the build before the registry
 * would refuse the schema at run time.
 */
class SchemaCompatibilityTest {

  private static final Path CURRENT = Path.of("src/main/avro");
  private static final Path RELEASED = Path.of("src/main/resources/released");

  @Test
  void everyReleasedSchemaStillExists() throws IOException {
    assertThat(schemaFiles(CURRENT).keySet()).containsAll(schemaFiles(RELEASED).keySet());
  }

  @Test
  void currentSchemasReadDataWrittenWithTheReleasedOnes() throws IOException {
    Map<String, Schema> current = parseAll(CURRENT);
    Map<String, Schema> released = parseAll(RELEASED);
    assertThat(released).isNotEmpty();

    List<String> problems = new ArrayList<>();
    released.forEach(
        (file, releasedSchema) -> {
          Schema currentSchema = current.get(file);
          if (currentSchema == null) {
            return; // reported by everyReleasedSchemaStillExists
          }
          var result =
              SchemaCompatibility.checkReaderWriterCompatibility(currentSchema, releasedSchema).getResult();
          if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add(file + ": " + result.getIncompatibilities());
          }
        });
    assertThat(problems).as("schemas not BACKWARD compatible with their released copy").isEmpty();
  }

  @Test
  void theCheckCatchesAFieldAddedWithoutDefault() throws IOException {
    Map<String, Schema> released = parseAll(RELEASED);
    Schema releasedCustomer = released.get("Customer.avsc");
    Schema changed = withRequiredField(releasedCustomer, "loyaltyTier");

    var compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(changed, releasedCustomer).getType();

    assertThat(compatibility).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  private static Schema withRequiredField(Schema record, String name) {
    List<Schema.Field> fields = new ArrayList<>();
    record.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(new Schema.Field(name, Schema.create(Schema.Type.STRING)));
    return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
  }

  /** One parser per folder, so files may refer to types defined in other files of that folder. */
  private static Map<String, Schema> parseAll(Path folder) throws IOException {
    SchemaParser parser = new SchemaParser();
    Map<String, SchemaParser.ParseResult> parsed = new TreeMap<>();
    for (Map.Entry<String, Path> file : schemaFiles(folder).entrySet()) {
      parsed.put(file.getKey(), parser.parse(file.getValue()));
    }
    Map<String, Schema> resolved = new TreeMap<>();
    parsed.forEach((file, result) -> resolved.put(file, parser.resolve(result)));
    return resolved;
  }

  private static Map<String, Path> schemaFiles(Path folder) throws IOException {
    Map<String, Path> files = new TreeMap<>();
    try (Stream<Path> paths = Files.list(folder)) {
      paths
          .filter(p -> p.getFileName().toString().endsWith(".avsc"))
          .forEach(p -> files.put(p.getFileName().toString(), p));
    }
    return files;
  }
}
