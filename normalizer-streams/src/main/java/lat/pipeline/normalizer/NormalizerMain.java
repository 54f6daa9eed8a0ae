package lat.pipeline.normalizer;

import java.time.Duration;
import java.util.List;
import lat.pipeline.normalizer.health.NormalizerMetrics;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.normalizer.topology.NormalizerTopology;
import lat.pipeline.ops.ServiceMain;

/** {@code ./pipeline normalizer}: the Kafka Streams normalizer, configured by the environment. */
public final class NormalizerMain {

  private NormalizerMain() {}

  public static void main(String[] args) {
    if (List.of(args).contains("--describe")) {
      // The topology as Kafka Streams sees it: every named processor, store and topic.
      System.out.println(new NormalizerTopology(ProviderMappers.all(TenantSettings.none()), Duration.ofDays(7), NormalizerMetrics.inMemory())
          .build().describe());
      return;
    }
    // Exit on a fatal error so that the orchestrator restarts the process.
    ServiceMain.run("normalizer", NormalizerConfig::fromEnv, (config, fatal) -> new NormalizerService(config, fatal).start());
  }
}
