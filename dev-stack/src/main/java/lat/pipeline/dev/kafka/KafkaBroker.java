package lat.pipeline.dev.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import lat.pipeline.config.Env;
import lat.pipeline.config.KafkaSecurity;
import lat.pipeline.dev.ChildProcess;
import lat.pipeline.kafka.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) from the kafka_2.13 jars,
 * run as its own process so that tests can stop, restart or freeze it. Its data directory survives
 * a restart.
 *
 * <p>{@link #start} opens a plaintext listener. {@link #startSecured} opens a SASL_SSL listener
 * instead, as a managed or Strimzi cluster does: a certificate from a CA made for it, SCRAM-SHA-512
 * logins, and the KRaft {@code StandardAuthorizer}, under which only the admin user ({@link
 * #clients()}) may do anything until ACLs allow more.
 */
public final class KafkaBroker implements AutoCloseable {

  private static final String HOST = "127.0.0.1";
  public static final String ADMIN_USER = "admin";
  public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
  /** The log cleaner's dedupe buffer, small beside the smallest heap a test gives the broker (384 MiB). */
  private static final long CLEANER_DEDUPE_BUFFER_BYTES = 16L << 20;

  /** What the SASL_SSL listener presents and who may administer it. */
  private record Secured(TestCertificates certificates, Path adminPasswordFile, String adminPassword) {}

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private final String heap;
  private final Secured secured;
  private final KafkaClients clients;
  private ChildProcess process;

  private KafkaBroker(Path dataDir, int port, int controllerPort, String heap, Secured secured) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.heap = heap;
    this.secured = secured;
    this.clients = secured == null
        ? KafkaClients.plaintext(bootstrapServers())
        : new KafkaClients(bootstrapServers(), KafkaSecurity.fromEnv(new Env(clientEnv(ADMIN_USER, secured.adminPasswordFile()))));
  }

  /** Formats the data directory when it is new, starts the broker and waits until it answers. */
  public static KafkaBroker start(Path dataDir, int port, int controllerPort, String heap)
      throws IOException, InterruptedException {
    return start(new KafkaBroker(dataDir, port, controllerPort, heap, null));
  }

  /** Like {@link #start}, with a SASL_SSL listener only: TLS, SCRAM-SHA-512 and ACLs (see the class comment). */
  public static KafkaBroker startSecured(Path dataDir, int port, int controllerPort, String heap)
      throws IOException, InterruptedException {
    Path tls = dataDir.resolve("tls");
    TestCertificates certificates = Files.exists(tls.resolve("server.p12"))
        ? new TestCertificates(tls.resolve("ca.pem"), tls.resolve("truststore.p12"), tls.resolve("server.p12"),
            Files.readString(tls.resolve("store.password")))
        : TestCertificates.generate(tls);
    Files.writeString(tls.resolve("store.password"), certificates.storePassword());
    Path adminPasswordFile = tls.resolve("admin.password");
    if (!Files.exists(adminPasswordFile)) {
      Files.writeString(adminPasswordFile, Uuid.randomUuid().toString());
    }
    Secured secured = new Secured(certificates, adminPasswordFile, Files.readString(adminPasswordFile));
    return start(new KafkaBroker(dataDir, port, controllerPort, heap, secured));
  }

  private static KafkaBroker start(KafkaBroker broker) throws IOException, InterruptedException {
    broker.formatIfNew();
    broker.start();
    return broker;
  }

  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** Clients of this broker; on a secured broker they log in as its admin (a super user). */
  public KafkaClients clients() {
    return clients;
  }

  /**
   * The {@code KAFKA_*} variables with which a service logs in to this secured broker as {@code user}
   * (the password in {@code passwordFile}), trusting its CA by PEM file.
   */
  public Map<String, String> clientEnv(String user, Path passwordFile) {
    if (secured == null) {
      return Map.of();
    }
    return Map.of(
        KafkaSecurity.PROTOCOL, "SASL_SSL",
        KafkaSecurity.MECHANISM, SCRAM_MECHANISM,
        KafkaSecurity.USERNAME, user,
        KafkaSecurity.PASSWORD_FILE, passwordFile.toString(),
        KafkaSecurity.CA_PEM_FILE, secured.certificates().caPem().toString());
  }

  /** The CA and certificates of a secured broker. */
  public TestCertificates certificates() {
    if (secured == null) {
      throw new IllegalStateException("A plaintext broker has no certificates: use KafkaBroker.startSecured");
    }
    return secured.certificates();
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
    // A bound, not a wait: on a busy 2-core machine with several test JVMs a start can pass 60 s.
    try {
      awaitReady(Duration.ofSeconds(180));
    } catch (RuntimeException | InterruptedException e) {
      // A broker that never became ready must not stay behind, taking CPU from the next attempt.
      process.kill();
      throw e;
    }
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
            formatArguments(),
            Map.of(),
            dataDir.resolve("format.log"));
    format.awaitExit(60, TimeUnit.SECONDS);
  }

  private List<String> formatArguments() {
    List<String> arguments = new ArrayList<>(List.of(
        "format",
        "--cluster-id", Uuid.randomUuid().toString(),
        "--config", serverProperties().toString(),
        "--ignore-formatted"));
    if (secured != null) {
      // The admin's SCRAM credentials are in the metadata from the start: it creates every other user.
      arguments.addAll(List.of("--add-scram",
          SCRAM_MECHANISM + "=[name=" + ADMIN_USER + ",password=" + secured.adminPassword() + "]"));
    }
    return arguments;
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
    String listener = secured == null ? "PLAINTEXT" : "SASL_SSL";
    props.put("listeners", listener + "://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", listener + "://" + HOST + ":" + port);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", listener);
    props.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
    if (secured != null) {
      putSecuredListener(props);
    }
    props.put("log.dirs", logDir().toString());
    props.put("num.partitions", "1");
    props.put("auto.create.topics.enable", "false");
    // A single node: internal topics cannot have more than one replica.
    props.put("offsets.topic.replication.factor", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    // The first consumer group and the first transaction create these topics: 50 partitions each
    // (the defaults) cost a single node many seconds, and a few serve its load.
    props.put("offsets.topic.num.partitions", "4");
    props.put("transaction.state.log.num.partitions", "4");
    props.put("share.coordinator.state.topic.num.partitions", "1");
    // Consumer groups start at once instead of waiting for more members that never come.
    props.put("group.initial.rebalance.delay.ms", "0");
    // Kafka's default is 128 MiB, a third of a 384 MiB test broker's heap, allocated anew whenever a
    // dynamic cleaner setting restarts the cleaner: in one CI run the restart failed (OutOfMemoryError)
    // and the broker never compacted again. The logs here are small; this still takes about 630,000 keys a pass.
    props.put("log.cleaner.dedupe.buffer.size", Long.toString(CLEANER_DEDUPE_BUFFER_BYTES));
    try (var out = Files.newOutputStream(serverProperties())) {
      props.store(out, "Single-node KRaft broker for ./pipeline dev and tests");
    }
  }

  private void putSecuredListener(Properties props) {
    TestCertificates certificates = secured.certificates();
    props.put("ssl.keystore.type", "PKCS12");
    props.put("ssl.keystore.location", certificates.serverKeystore().toString());
    props.put("ssl.keystore.password", certificates.storePassword());
    props.put("ssl.key.password", certificates.storePassword());
    // Its own client side (the inter-broker listener is this one) trusts the same CA.
    props.put("ssl.truststore.type", "PEM");
    props.put("ssl.truststore.location", certificates.caPem().toString());
    props.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
    props.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
    props.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + ADMIN_USER
            + "\" password=\"" + secured.adminPassword() + "\";");
    props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    // The controller listener is plaintext on loopback: there the broker's own requests to its
    // controller carry the ANONYMOUS principal.
    props.put("super.users", "User:" + ADMIN_USER + ";User:ANONYMOUS");
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
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    try (Admin admin = clients.admin(config)) {
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
