package lat.pipeline.console;

import lat.pipeline.ops.ServiceMain;

/** {@code ./pipeline console}: the operator's web console, configured by environment variables. */
public final class ConsoleMain {

  private ConsoleMain() {}

  public static void main(String[] args) {
    ServiceMain.run("console", ConsoleConfig::fromEnv, (config, fatal) -> new ConsoleService(config).start());
  }
}
