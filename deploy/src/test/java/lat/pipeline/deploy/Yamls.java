package lat.pipeline.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** YAML documents as plain maps and lists (SnakeYAML, safe constructor). */
final class Yamls {

  private Yamls() {}

  /** Every non-empty document of a YAML text. */
  static List<Object> documents(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    List<Object> docs = new ArrayList<>();
    for (Object doc : new Yaml(new SafeConstructor(options)).loadAll(text)) {
      if (doc != null) {
        docs.add(doc);
      }
    }
    return docs;
  }

  static List<Object> documents(Path file) {
    try {
      return documents(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** The file's one document, which must be a mapping. */
  static Map<String, Object> mapping(Path file) {
    List<Object> docs = documents(file);
    if (docs.size() != 1 || !(docs.get(0) instanceof Map)) {
      throw new IllegalArgumentException(file + ": expected one YAML mapping, found " + docs.size() + " documents");
    }
    return asMap(docs.get(0), file.toString());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object value, String where) {
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(where + ": expected a mapping, found " + describe(value));
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> asList(Object value, String where) {
    if (!(value instanceof List)) {
      throw new IllegalArgumentException(where + ": expected a list, found " + describe(value));
    }
    return (List<Object>) value;
  }

  /** The value at a dotted path of mappings, or null. */
  static Object at(Map<String, Object> root, String... keys) {
    Object current = root;
    for (String key : keys) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(key);
    }
    return current;
  }

  private static String describe(Object value) {
    return value == null ? "nothing" : value.getClass().getSimpleName() + " " + value;
  }
}
