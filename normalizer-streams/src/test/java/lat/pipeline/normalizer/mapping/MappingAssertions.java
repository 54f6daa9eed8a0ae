package lat.pipeline.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Shared checks on mapping results. */
public final class MappingAssertions {

  private MappingAssertions() {}

  /** The records, after checking the result is Mapped and every value survives an Avro round trip. */
  public static List<CanonicalRecord> mapped(MappingResult result) {
    assertThat(result).as("mapping result").isInstanceOf(MappingResult.Mapped.class);
    List<CanonicalRecord> records = ((MappingResult.Mapped) result).records();
    for (CanonicalRecord record : records) {
      byte[] bytes = AvroEncoding.encode(record.value());
      SpecificRecord decoded = AvroEncoding.decode(bytes, record.value().getSchema());
      assertThat(RecordRendering.render(decoded)).as("Avro round trip of %s", record.key()).isEqualTo(RecordRendering.render(record.value()));
    }
    return records;
  }

  public static MappingResult.Failed failed(MappingResult result) {
    assertThat(result).as("mapping result").isInstanceOf(MappingResult.Failed.class);
    return (MappingResult.Failed) result;
  }

  public static List<String> eventIds(MappingResult result) {
    return mapped(result).stream().map(CanonicalRecord::eventId).toList();
  }
}
