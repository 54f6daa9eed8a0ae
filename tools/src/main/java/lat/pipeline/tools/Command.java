package lat.pipeline.tools;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import lat.pipeline.config.Env;
import lat.pipeline.kafka.KafkaAccessException;
import org.apache.kafka.common.KafkaException;

/** A command of {@code ./pipeline} that reads the topics: what it prints, and how it stops when asked. */
public interface Command {

  /**
   * @param out what the command answers (records, the trail)
   * @param err what went wrong
   * @return the process exit code
   */
  int run(ToolsConfig config, PrintStream out, PrintStream err) throws Exception;

  /** Asked to stop (Ctrl-C): end what is running and return from {@link #run}. */
  default void stop() {}

  /**
   * Runs a command as the process: a bad command line or variable exits 2 with the usage, a Kafka
   * that cannot be reached 1; Ctrl-C lets the command finish what it printed before the JVM exits.
   */
  static void main(String[] args, String usage, Function<String[], Command> parse) {
    Quiet.apicurioClient();
    PrintStream err = System.err;
    Command command;
    ToolsConfig config;
    try {
      command = parse.apply(args);
      config = ToolsConfig.fromEnv(Env.system());
    } catch (CommandLine.UsageException | Env.ConfigException e) {
      err.println("pipeline: " + e.getMessage());
      err.println(usage);
      System.exit(2);
      return;
    }
    PrintStream out = new PrintStream(
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
    CountDownLatch finished = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      command.stop();
      try {
        finished.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "stop-command"));
    int code;
    try {
      code = command.run(config, out, err);
    } catch (KafkaException e) {
      err.println("pipeline: " + (KafkaAccessException.isAccessFailure(e) ? KafkaAccessException.explain(e, config.kafka()).getMessage()
          : "Kafka at " + config.bootstrapServers() + " (KAFKA_BOOTSTRAP_SERVERS): " + e.getMessage()));
      code = 1;
    } catch (Exception e) {
      err.println("pipeline: " + e);
      code = 1;
    }
    out.flush();
    finished.countDown();
    System.exit(code);
  }
}
