package lat.pipeline.normalizer.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import lat.pipeline.normalizer.topology.NormalizationPath;

/** Counts what the normalizer chose not to emit, and why: the figures an operator watches. */
public final class NormalizerMetrics {

  private final MeterRegistry registry;

  public NormalizerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** For tests that look at the counts without exporting them. */
  public static NormalizerMetrics inMemory() {
    return new NormalizerMetrics(new SimpleMeterRegistry());
  }

  public void duplicate(String provider) {
    counter("normalizer_duplicates", "Redeliveries dropped by deduplication", provider).increment();
  }

  public void stale(String provider) {
    counter("normalizer_stale", "Updates older than the last one emitted for the same entity", provider).increment();
  }

  /** Records held until the variant they name is fetched (a Bsale stock, price or document line). */
  public void held(String provider, int records) {
    if (records > 0) {
      counter("normalizer_held_for_variant", "Records held until the variant they name is known", provider)
          .increment(records);
    }
  }

  public void unchanged(String provider) {
    counter("normalizer_unchanged", "Deliveries equal to the last state emitted for the same entity", provider).increment();
  }

  public void skipped(String provider, NormalizationPath.Skip skip) {
    switch (skip) {
      case DUPLICATE -> duplicate(provider);
      case STALE -> stale(provider);
      case UNCHANGED -> unchanged(provider);
    }
  }

  public void deadLettered(String provider, String step) {
    Counter.builder("normalizer_dead_letters")
        .description("Raw records sent to dlq.normalizer")
        .tag("provider", provider)
        .tag("step", step)
        .register(registry)
        .increment();
  }

  public double count(String name, String provider) {
    Counter counter = registry.find(name).tag("provider", provider).counter();
    return counter == null ? 0 : counter.count();
  }

  private Counter counter(String name, String description, String provider) {
    return Counter.builder(name).description(description).tag("provider", provider).register(registry);
  }
}
