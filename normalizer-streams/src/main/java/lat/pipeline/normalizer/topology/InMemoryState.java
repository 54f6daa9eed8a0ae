package lat.pipeline.normalizer.topology;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The path's state in plain maps, for one bounded run in one process (a benchmark's hand-written
 * loop, a test): it remembers event ids, last emissions and variants, and holds nothing.
 */
public final class InMemoryState implements NormalizationPath.State {

  private final Set<String> seen = new HashSet<>();
  private final Map<String, LastEmitted> emitted = new HashMap<>();
  private final Map<String, VariantJoin.KnownVariant> variants = new HashMap<>();

  @Override
  public boolean firstSighting(String eventId, long now) {
    return seen.add(eventId);
  }

  @Override
  public LastEmitted lastEmitted(String entityKey) {
    return emitted.get(entityKey);
  }

  @Override
  public void emitted(String entityKey, LastEmitted last) {
    emitted.put(entityKey, last);
  }

  @Override
  public VariantJoin.KnownVariant variant(String variantKey) {
    return variants.get(variantKey);
  }

  @Override
  public void variantEmitted(String variantKey, VariantJoin.KnownVariant variant) {
    variants.put(variantKey, variant);
  }
}
