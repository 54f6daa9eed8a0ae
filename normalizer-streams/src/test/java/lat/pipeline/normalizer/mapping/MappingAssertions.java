package lat.pipeline.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import lat.pipeline.schemas.canonical.SourceValue;
import org.apache.avro.Schema;
import lat.pipeline.normalizer.topology.ContentFingerprint;
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

  /** The {@code sourceFields} of a canonical record of any type. */
  @SuppressWarnings("unchecked")
  public static Map<String, SourceValue> sourceFields(CanonicalRecord record) {
    Schema.Field field = record.value().getSchema().getField("sourceFields");
    return (Map<String, SourceValue>) record.value().get(field.pos());
  }

  public static MappingResult.Failed failed(MappingResult result) {
    assertThat(result).as("mapping result").isInstanceOf(MappingResult.Failed.class);
    return (MappingResult.Failed) result;
  }

  public static List<String> eventIds(MappingResult result) {
    return mapped(result).stream().map(CanonicalRecord::eventId).toList();
  }

  /** What the no-op check compares: the content of each record. */
  public static List<String> fingerprints(MappingResult result) {
    return mapped(result).stream().map(record -> ContentFingerprint.of(record.value())).toList();
  }

  /**
   * For a provider without delivery ids: the same receipt stored twice (the spooled copy) yields the
   * same event ids whatever the white space; another delivery of the same body yields other event
   * ids and the same content, so only the no-op check against the last state can drop it.
   */
  public static void eventIdsComeFromTheReceipt(ProviderMapper mapper) {
    String provider = mapper.provider();
    for (var file : Fixtures.shared(provider)) {
      RawEvent first = TestEvents.raw(provider, TestEvents.genericType(provider), Fixtures.read(file));
      RawEvent storedAgain = TestEvents.storedAgain(first, Reformat.reformatted(Fixtures.read(file)));
      RawEvent later = TestEvents.redelivered(first, Fixtures.read(file));

      assertThat(eventIds(mapper.map(storedAgain))).as(file.toString()).isEqualTo(eventIds(mapper.map(first)));
      assertThat(eventIds(mapper.map(later))).as(file.toString()).doesNotContainAnyElementsOf(eventIds(mapper.map(first)));
      assertThat(fingerprints(mapper.map(later))).as(file.toString()).isEqualTo(fingerprints(mapper.map(first)));
    }
  }
}
