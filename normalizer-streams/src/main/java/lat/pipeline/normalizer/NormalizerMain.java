package lat.pipeline.normalizer;

import lat.pipeline.config.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code ./pipeline normalizer}: the Kafka Streams normalizer, configured by the environment. */
public final class NormalizerMain {

  private static final Logger LOG = LoggerFactory.getLogger(NormalizerMain.class);

  private NormalizerMain() {}

  public static void main(String[] args) throws Exception {
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
