package lat.pipeline.fetcher;

import lat.pipeline.ops.ServiceMain;

/** {@code ./pipeline fetcher}: the Bsale fetcher, configured by the environment. */
public final class FetcherMain {

  private FetcherMain() {}

  public static void main(String[] args) {
    ServiceMain.run("fetcher", FetcherConfig::fromEnv, (config, fatal) -> new FetcherService(config).start());
  }
}
