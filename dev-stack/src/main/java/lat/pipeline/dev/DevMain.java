package lat.pipeline.dev;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import lat.pipeline.config.Env;
import lat.pipeline.dev.bsale.BsaleSimulator;
import lat.pipeline.dev.kafka.KafkaBroker;
import lat.pipeline.dev.registry.RegistryProcess;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code ./pipeline dev}: a real KRaft broker, a real schema registry and the pipeline's services on
 * loopback, with data kept in {@code .dev-data/} across restarts ({@code --fresh} starts empty).
 * Ctrl-C stops everything, services first, the broker last.
 */
public final class DevMain {

  private static final String DEMO_TENANT = "demo";
  private static final String DEMO_TOKEN = "demo-token-0123456789";
  private static final String DEMO_OPERATOR_TOKEN_PREFIX = "demo-operator-";

  /** A deployable module of the repository, its main class and the port its health endpoint is on. */
  private record Service(String module, String mainClass, String healthPortVariable) {}

  private static final List<Service> SERVICES = List.of(
      new Service("receiver", "lat.pipeline.receiver.ReceiverMain", "RECEIVER_PORT"),
      new Service("normalizer-streams", "lat.pipeline.normalizer.NormalizerMain", "NORMALIZER_HEALTH_PORT"),
      new Service("bsale-fetcher", "lat.pipeline.fetcher.FetcherMain", "FETCHER_HEALTH_PORT"),
      new Service("console", "lat.pipeline.console.ConsoleMain", "CONSOLE_PORT"));

  /** The company (cpnId) of fixtures/bsale, bound to the demo tenant. */
  private static final String DEMO_BSALE_COMPANY = "2";
  /** The Bsale simulator's token for the demo company. */
  private static final String DEMO_BSALE_TOKENS = DEMO_BSALE_COMPANY + "=demo-bsale-token";

  private DevMain() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("pipeline.root", ".")).toAbsolutePath().normalize();
    Env env = Env.system();
    int kafkaPort = env.integer("KAFKA_PORT", 9092, 1, 65_535);
    int controllerPort = env.integer("KAFKA_CONTROLLER_PORT", 9093, 1, 65_535);
    int registryPort = env.integer("REGISTRY_PORT", 8081, 1, 65_535);
    int receiverPort = env.integer("RECEIVER_PORT", 8080, 1, 65_535);
    Path data = root.resolve(".dev-data");
    if (List.of(args).contains("--fresh")) {
      ScratchDirectory.deleteRecursively(data);
    }
    Files.createDirectories(data.resolve("logs"));

    List<AutoCloseable> running = new ArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nStopping…");
      for (int i = running.size() - 1; i >= 0; i--) {
        try {
          running.get(i).close();
        } catch (Exception e) {
          System.err.println("While stopping: " + e);
        }
      }
      stopped.countDown();
    }, "dev-stop"));

    try {
      start(root, env, data, kafkaPort, controllerPort, registryPort, receiverPort, running);
    } catch (Exception e) {
      // What already runs (the broker's and the registry's processes, the simulator) keeps this JVM alive:
      // exit, so the stop hook ends it all.
      System.err.println("pipeline dev: could not start: " + e.getMessage());
      System.exit(1);
    }
    stopped.await();
  }

  private static void start(Path root, Env env, Path data, int kafkaPort, int controllerPort, int registryPort,
      int receiverPort, List<AutoCloseable> running) throws Exception {
    System.out.println("Starting Kafka (KRaft) on 127.0.0.1:" + kafkaPort + " …");
    KafkaBroker broker = KafkaBroker.start(data.resolve("kafka"), kafkaPort, controllerPort, "768m");
    running.add(broker);
    createTopics(broker, env);

    System.out.println("Starting the schema registry (Apicurio, kafkasql storage) on 127.0.0.1:" + registryPort + " …");
    RegistryProcess registry = RegistryProcess.start(registryPort, broker.bootstrapServers(), data.resolve("logs"));
    running.add(registry);

    Map<String, String> serviceEnv = new HashMap<>(System.getenv());
    serviceEnv.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
    serviceEnv.put("SCHEMA_REGISTRY_URL", registry.baseUrl());
    serviceEnv.put("RECEIVER_HOST", "127.0.0.1");
    serviceEnv.put("RECEIVER_PORT", Integer.toString(receiverPort));
    serviceEnv.putIfAbsent("WEBHOOK_TOKENS", "*:" + DEMO_TENANT + "=" + DEMO_TOKEN);
    serviceEnv.put("RECEIVER_SPOOL_DIR", data.resolve("receiver-spool").toString());
    serviceEnv.putIfAbsent("WEBHOOK_SECRETS_DIR", data.resolve("webhook-secrets").toString());
    serviceEnv.put("NORMALIZER_STATE_DIR", data.resolve("normalizer-state").toString());
    serviceEnv.putIfAbsent("NORMALIZER_HEALTH_PORT", "8082");
    // The demo tenant's amounts and local times, whichever provider calls.
    serviceEnv.putIfAbsent("TENANT_SETTINGS", "*:demo=CLP@America/Santiago");
    serviceEnv.putIfAbsent("FETCHER_HEALTH_PORT", "8083");
    if (!serviceEnv.containsKey("BSALE_API_URL")) {
      // No real Bsale configured: the fetcher calls a local simulator with a demo token.
      int simulatorPort = env.integer("BSALE_SIMULATOR_PORT", 8084, 0, 65_535);
      System.out.println("Starting the Bsale API simulator on 127.0.0.1:" + simulatorPort + " …");
      BsaleSimulator simulator = BsaleSimulator.start(simulatorPort, Set.of("demo-bsale-token"));
      running.add(simulator);
      serviceEnv.put("BSALE_API_URL", simulator.baseUrl());
      serviceEnv.putIfAbsent("BSALE_TOKENS", DEMO_BSALE_TOKENS);
      serviceEnv.putIfAbsent("BSALE_COMPANY_TENANTS", DEMO_BSALE_COMPANY + "=" + DEMO_TENANT);
    }
    serviceEnv.putIfAbsent("BSALE_TOKENS_DIR", data.resolve("bsale-tokens").toString());
    serviceEnv.put("CONSOLE_HOST", "127.0.0.1");
    serviceEnv.putIfAbsent("CONSOLE_PORT", "8085");
    if (!serviceEnv.containsKey("CONSOLE_OPERATOR_TOKEN_FILE") && !serviceEnv.containsKey("CONSOLE_OPERATOR_TOKEN")) {
      // A new demo operator token at every start, printed below: only who sees this terminal gets in.
      serviceEnv.put("CONSOLE_OPERATOR_TOKEN", DEMO_OPERATOR_TOKEN_PREFIX + UUID.randomUUID().toString().substring(0, 13));
    }
    serviceEnv.put("CONSOLE_RECEIVER_METRICS_URLS", "http://127.0.0.1:" + receiverPort + "/metrics");
    serviceEnv.put("CONSOLE_FETCHER_METRICS_URLS", "http://127.0.0.1:" + serviceEnv.get("FETCHER_HEALTH_PORT") + "/metrics");
    for (Service service : SERVICES) {
      System.out.println("Starting " + service.module() + " …");
      running.add(startService(root, service, serviceEnv, data.resolve("logs")));
    }

    printWelcome(broker, registry, receiverPort, data, serviceEnv);
  }

  private static void createTopics(KafkaBroker broker, Env env) throws InterruptedException {
    try (Admin admin = broker.clients().admin(Map.of())) {
      TopicProvisioner.ensure(admin, Topics.all(), TopicSettings.fromEnv(env));
    }
  }

  private static AutoCloseable startService(Path root, Service service, Map<String, String> env, Path logs)
      throws IOException, InterruptedException {
    Path target = root.resolve(service.module()).resolve("target");
    String classPath = target.resolve("classes") + ":" + Files.readString(target.resolve("runtime.classpath")).strip();
    ChildProcess process = ChildProcess.startJava(
        service.module(), List.of("-Xmx384m"), classPath, service.mainClass(), List.of(), env,
        logs.resolve(service.module() + ".log"));
    URI ready = URI.create("http://127.0.0.1:" + env.get(service.healthPortVariable()) + "/health/ready");
    HttpProbe.awaitOk(service.module(), ready, process, Duration.ofSeconds(60));
    return () -> process.stop(30);
  }

  private static void printWelcome(
      KafkaBroker broker, RegistryProcess registry, int receiverPort, Path data, Map<String, String> serviceEnv) {
    String base = "http://127.0.0.1:" + receiverPort;
    String bsaleApiUrl = serviceEnv.get("BSALE_API_URL");
    System.out.println();
    System.out.println("The pipeline is up. Ctrl-C stops it; data stays in " + data + " (--fresh starts empty).");
    System.out.println("  Kafka bootstrap:          " + broker.bootstrapServers());
    System.out.println("  Schema registry (ccompat): " + registry.confluentCompatibleUrl());
    System.out.println("  Logs:                     " + data.resolve("logs"));
    System.out.println("  Console:                  http://127.0.0.1:" + serviceEnv.get("CONSOLE_PORT") + "/ (operator token "
        + (serviceEnv.getOrDefault("CONSOLE_OPERATOR_TOKEN", "").startsWith(DEMO_OPERATOR_TOKEN_PREFIX)
            ? "'" + serviceEnv.get("CONSOLE_OPERATOR_TOKEN") + "'" : "as you set it") + ")");
    System.out.println("  Webhook URLs (tenant '" + DEMO_TENANT + "', token '" + DEMO_TOKEN + "'):");
    for (var topic : Topics.RAW) {
      System.out.println("    " + base + "/webhooks/" + Topics.providerOf(topic) + "/" + DEMO_TENANT + "?token=" + DEMO_TOKEN);
    }
    System.out.println("  Bsale API:                " + bsaleApiUrl + " (tokens by cpnId: BSALE_TOKENS, their tenants: BSALE_COMPANY_TENANTS)");
    System.out.println("  Bsale: curl -s -X POST -H 'Content-Type: application/json' --data-binary @fixtures/bsale/stock.put.json '"
        + base + "/webhooks/bsale/" + DEMO_TENANT + "?token=" + DEMO_TOKEN + "'  (then read canonical.stock)");
    System.out.println("  Try: curl -s -X POST -H 'Content-Type: application/json' --data-binary @fixtures/alegra/new-client.json '"
        + base + "/webhooks/alegra/" + DEMO_TENANT + "?token=" + DEMO_TOKEN + "'");
  }
}
