package lat.pipeline.normalizer.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

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
    counter("normalizer_stale", "Updates older than the last one applied to the same entity", provider).increment();
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
