package lat.pipeline.ops;

import java.util.function.Function;
import java.util.function.IntConsumer;
import lat.pipeline.config.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@code main} of every service, as kafka-streams-examples' services share {@code
 * MicroserviceUtils.addShutdownHookAndBlock}: configuration parsed once from the environment, the
 * service built and started, a shutdown hook that closes it. Exit codes: 2 for a bad configuration
 * (the message names the variable), 1 when the service cannot start or cannot go on.
 */
public final class ServiceMain {

  public static final int BAD_CONFIGURATION = 2;
  public static final int FAILED = 1;

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

  private ServiceMain() {}

  /** Builds and starts a service from its configuration. */
  @FunctionalInterface
  public interface Start<C> {
    /**
     * @param fatal ends the process with {@link #FAILED}, for a service that stops on an error of its own
     * @return the started service; closing it stops it
     */
    AutoCloseable start(C config, Runnable fatal) throws Exception;
  }

  /** @param config the service's typed configuration, read from the environment ({@code XxxConfig::fromEnv}) */
  public static <C> void run(String service, Function<Env, C> config, Start<C> start) {
    AutoCloseable running = launch(service, Env.system(), config, start, System::exit);
    if (running != null) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(service, running), service + "-shutdown"));
    }
  }

  /** The started service, or null once {@code exit} was called with the reason's code. */
  static <C> AutoCloseable launch(String service, Env env, Function<Env, C> config, Start<C> start, IntConsumer exit) {
    C parsed;
    try {
      parsed = config.apply(env);
    } catch (Env.ConfigException e) {
      LOG.error("{}: bad configuration: {}", service, e.getMessage());
      exit.accept(BAD_CONFIGURATION);
      return null;
    }
    try {
      return start.start(parsed, () -> exit.accept(FAILED));
    } catch (Exception e) {
      LOG.error("{} could not start: {}", service, e.getMessage(), e);
      exit.accept(FAILED);
      return null;
    }
  }

  private static void stop(String service, AutoCloseable running) {
    try {
      running.close();
    } catch (Exception e) {
      LOG.warn("{}: while stopping: {}", service, e.toString());
    }
  }
}
