package lat.pipeline.receiver;

import lat.pipeline.config.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code ./pipeline receiver}: the receiver alone, against the Kafka the environment names. */
public final class ReceiverMain {

  private static final Logger LOG = LoggerFactory.getLogger(ReceiverMain.class);

  private ReceiverMain() {}

  public static void main(String[] args) throws InterruptedException {
    ReceiverConfig config;
    try {
      config = ReceiverConfig.fromEnv(Env.system());
    } catch (Env.ConfigException e) {
      LOG.error("Bad configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    ReceiverService service = new ReceiverService(config).start();
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "receiver-shutdown"));
  }
}
