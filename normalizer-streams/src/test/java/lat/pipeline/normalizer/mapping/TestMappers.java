package lat.pipeline.normalizer.mapping;

import java.util.List;

/** Mappers that misbehave on purpose, to show that no raw record vanishes. */
public final class TestMappers {

  private TestMappers() {}

  /** A mapper that answers every raw event with no canonical record at all. */
  public static ProviderMapper yieldingNothing(String provider) {
    return new ProviderMapper() {
      @Override
      public String provider() {
        return provider;
      }

      @Override
      public MappingResult map(RawEvent event) {
        return new MappingResult.Mapped(List.of());
      }
    };
  }
}
