package lat.pipeline.fetcher;

import lat.pipeline.config.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code ./pipeline fetcher}: the Bsale fetcher, configured by the environment. */
public final class FetcherMain {

  private static final Logger LOG = LoggerFactory.getLogger(FetcherMain.class);

  private FetcherMain() {}

  public static void main(String[] args) throws Exception {
    FetcherConfig config;
    try {
      config = FetcherConfig.fromEnv(Env.system());
    } catch (Env.ConfigException e) {
      LOG.error("Bad configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    FetcherService service = new FetcherService(config).start();
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "fetcher-shutdown"));
  }
}
