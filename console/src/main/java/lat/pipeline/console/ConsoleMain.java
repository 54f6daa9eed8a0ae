package lat.pipeline.console;

import lat.pipeline.config.Env;

/** {@code ./pipeline console}: the operator's web console, configured by environment variables. */
public final class ConsoleMain {

  private ConsoleMain() {}

  public static void main(String[] args) throws Exception {
    ConsoleConfig config;
    try {
      config = ConsoleConfig.fromEnv(Env.system());
    } catch (Env.ConfigException e) {
      System.err.println("console: " + e.getMessage());
      System.exit(2);
      return;
    }
    ConsoleService console = new ConsoleService(config).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        console.close();
      } catch (Exception e) {
        System.err.println("console: while stopping: " + e);
      }
    }, "console-stop"));
  }
}
