package lat.pipeline.dev.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import lat.pipeline.dev.ChildProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) from the kafka_2.13 jars,
 * run as its own process so that tests can stop, restart or freeze it. Its data directory survives
 * a restart.
 */
public final class KafkaBroker implements AutoCloseable {

  private static final String HOST = "127.0.0.1";

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final String heap;
  private ChildProcess process;

  private KafkaBroker(Path dataDir, int port, int controllerPort, String heap) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.heap = heap;
  }

  /** Formats the data directory when it is new, starts the broker and waits until it answers. */
  public static KafkaBroker start(Path dataDir, int port, int controllerPort, String heap)
      throws IOException, InterruptedException {
    KafkaBroker broker = new KafkaBroker(dataDir, port, controllerPort, heap);
    broker.formatIfNew();
    broker.start();
    return broker;
  }

  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  public synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    process =
        ChildProcess.startJava(
            "kafka-broker",
            jvmArgs(),
            "kafka.Kafka",
            List.of(serverProperties().toString()),
            Map.of(),
            dataDir.resolve("broker.log"));
    awaitReady(Duration.ofSeconds(60));
  }

  /** Clean shutdown (SIGTERM), as an operator would stop it. */
  public synchronized void stop() {
    if (process != null) {
      process.stop(30);
    }
  }

  /** SIGSTOP: connections stay open but nothing answers. */
  public void freeze() {
    process.freeze();
  }

  public void thaw() {
    process.thaw();
  }

  @Override
  public void close() {
    stop();
  }

  private void formatIfNew() throws IOException, InterruptedException {
    Files.createDirectories(dataDir);
    writeServerProperties();
    if (Files.exists(logDir().resolve("meta.properties"))) {
      return;
    }
    ChildProcess format =
        ChildProcess.startJava(
            "kafka-storage-format",
            jvmArgs(),
            "kafka.tools.StorageTool",
            List.of(
                "format",
                "--cluster-id", Uuid.randomUuid().toString(),
                "--config", serverProperties().toString(),
                "--ignore-formatted"),
            Map.of(),
            dataDir.resolve("format.log"));
    format.awaitExit(60, TimeUnit.SECONDS);
  }

  private List<String> jvmArgs() {
    return List.of(
        "-Xms" + heap,
        "-Xmx" + heap,
        "-XX:+UseG1GC",
        "-Dlog4j2.configurationFile=" + log4jConfig(),
        "-Dkafka.logs.dir=" + dataDir);
  }

  private Path logDir() {
    return dataDir.resolve("kraft-logs");
  }

  private Path serverProperties() {
    return dataDir.resolve("server.properties");
  }

  private void writeServerProperties() throws IOException {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    props.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", logDir().toString());
    props.put("num.partitions", "1");
    props.put("auto.create.topics.enable", "false");
    // A single node: internal topics cannot have more than one replica.
    props.put("offsets.topic.replication.factor", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    // Consumer groups start at once instead of waiting for more members that never come.
    props.put("group.initial.rebalance.delay.ms", "0");
    try (var out = Files.newOutputStream(serverProperties())) {
      props.store(out, "Single-node KRaft broker for ./pipeline dev and tests");
    }
  }

  private Path log4jConfig() {
    Path config = dataDir.resolve("log4j2.properties");
    try {
      Files.writeString(
          config,
          String.join(
              "\n",
              "appender.console.type = Console",
              "appender.console.name = console",
              "appender.console.layout.type = PatternLayout",
              "appender.console.layout.pattern = [%d] %p %m (%c)%n",
              "rootLogger.level = warn",
              "rootLogger.appenderRef.console.ref = console",
              "logger.kafka.name = kafka.server.KafkaRaftServer",
              "logger.kafka.level = info",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return config;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    try (Admin admin = Admin.create(config)) {
      while (Instant.now().isBefore(deadline)) {
        if (!process.isAlive()) {
          throw new IllegalStateException("The Kafka broker exited at start; see " + process.log());
        }
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception notYet) {
          Thread.sleep(200);
        }
      }
    }
    throw new IllegalStateException("The Kafka broker did not become ready in " + timeout + "; see " + process.log());
  }
}
