package lat.pipeline.normalizer.mapping;

import java.util.List;
import java.util.function.Function;

/** Mappers that misbehave on purpose, to show that no raw record vanishes. */
public final class TestMappers {

  private TestMappers() {}

  /** A mapper that answers every raw event with no canonical record at all. */
  public static ProviderMapper yieldingNothing(String provider) {
    return mapper(provider, event -> new MappingResult.Mapped(List.of()));
  }

  /** A mapper that fails every raw event at one step, as the topology does while the registry is down. */
  public static ProviderMapper failing(String provider, String step, String reason) {
    return mapper(provider, event -> new MappingResult.Failed(step, reason));
  }

  private static ProviderMapper mapper(String provider, Function<RawEvent, MappingResult> map) {
    return new ProviderMapper() {
      @Override
      public String provider() {
        return provider;
      }

      @Override
      public MappingResult map(RawEvent event) {
        return map.apply(event);
      }
    };
  }
}
