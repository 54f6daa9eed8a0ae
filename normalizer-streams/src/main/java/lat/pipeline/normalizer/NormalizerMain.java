package lat.pipeline.normalizer;

import java.time.Duration;
import java.util.List;
import lat.pipeline.config.Env;
import lat.pipeline.normalizer.health.NormalizerMetrics;
import lat.pipeline.normalizer.mapping.ProviderMappers;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.normalizer.topology.NormalizerTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code ./pipeline normalizer}: the Kafka Streams normalizer, configured by the environment. */
public final class NormalizerMain {

  private static final Logger LOG = LoggerFactory.getLogger(NormalizerMain.class);

  private NormalizerMain() {}

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--describe")) {
      // The topology as Kafka Streams sees it: every named processor, store and topic.
      System.out.println(new NormalizerTopology(ProviderMappers.all(TenantSettings.none()), Duration.ofDays(7), NormalizerMetrics.inMemory())
          .build().describe());
      return;
    }
    NormalizerConfig config;
    try {
      config = NormalizerConfig.fromEnv(Env.system());
    } catch (Env.ConfigException e) {
      LOG.error("Bad configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    // Exit on a fatal error so that the orchestrator restarts the process.
    NormalizerService service = new NormalizerService(config, () -> System.exit(1)).start();
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "normalizer-shutdown"));
  }
}
