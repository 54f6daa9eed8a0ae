package lat.pipeline.normalizer.mapping;

import java.util.List;

/** What a mapper made of one raw event: canonical records, or why it could not. */
public sealed interface MappingResult {

  record Mapped(List<CanonicalRecord> records) implements MappingResult {
    public Mapped {
      records = List.copyOf(records);
    }
  }

  /**
   * @param step {@link #PARSE} (the bytes are not the JSON expected) or {@link #MAP} (valid JSON of
   *     a shape the mapper cannot turn into canonical records)
   * @param reason short and free of secrets; never the whole body
   */
  record Failed(String step, String reason) implements MappingResult {
    public static final String PARSE = "parse";
    public static final String MAP = "map";
  }
}
