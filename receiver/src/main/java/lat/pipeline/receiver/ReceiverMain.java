package lat.pipeline.receiver;

import lat.pipeline.ops.ServiceMain;

/** {@code ./pipeline receiver}: the receiver alone, against the Kafka the environment names. */
public final class ReceiverMain {

  private ReceiverMain() {}

  public static void main(String[] args) {
    ServiceMain.run("receiver", ReceiverConfig::fromEnv, (config, fatal) -> new ReceiverService(config).start());
  }
}
