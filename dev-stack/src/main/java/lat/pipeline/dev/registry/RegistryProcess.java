package lat.pipeline.dev.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import lat.pipeline.dev.ChildProcess;
import lat.pipeline.dev.HttpProbe;

/**
 * Apicurio Registry, a real schema registry, run from its Maven Central runner jar. With a
 * bootstrap server it keeps its schemas in a Kafka topic ({@code kafkasql} storage), as Confluent's
 * registry does, so they survive a restart; without one it keeps them in memory.
 */
public final class RegistryProcess implements AutoCloseable {

  private final ChildProcess process;
  private final int port;

  private RegistryProcess(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  public static RegistryProcess start(int port, String kafkaBootstrapServers, Path logDir)
      throws IOException, InterruptedException {
    Path runner = home().resolve("apicurio-registry-app-" + version() + "-runner.jar");
    if (!Files.isRegularFile(runner)) {
      throw new IllegalStateException("Apicurio Registry is missing at " + runner + ": build dev-stack first (mvn package)");
    }
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "QUARKUS_HTTP_HOST", "127.0.0.1",
        "QUARKUS_HTTP_PORT", Integer.toString(port),
        "QUARKUS_LOG_LEVEL", "WARN",
        "APICURIO_REST_DELETION_ARTIFACT_ENABLED", "true"));
    if (kafkaBootstrapServers != null) {
      env.put("APICURIO_STORAGE_KIND", "kafkasql");
      env.put("APICURIO_KAFKASQL_BOOTSTRAP_SERVERS", kafkaBootstrapServers);
    }
    Files.createDirectories(logDir);
    ChildProcess process = ChildProcess.startJava(
        "schema-registry", List.of("-Xmx384m", "-XX:+UseSerialGC"), runner.toString(), List.of(), env,
        logDir.resolve("registry.log"));
    RegistryProcess registry = new RegistryProcess(process, port);
    HttpProbe.awaitOk("The schema registry", URI.create(registry.confluentCompatibleUrl() + "/subjects"), process,
        Duration.ofSeconds(90));
    return registry;
  }

  /** The Confluent-compatible API, which Confluent-style serdes and consumers talk to. */
  public String confluentCompatibleUrl() {
    return baseUrl() + "/apis/ccompat/v7";
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public void stop() {
    process.stop(20);
  }

  @Override
  public void close() {
    stop();
  }

  private static Path home() {
    return Path.of(buildProperties().getProperty("apicurio.home"));
  }

  private static String version() {
    return buildProperties().getProperty("apicurio.version");
  }

  private static Properties buildProperties() {
    try (InputStream in = RegistryProcess.class.getResourceAsStream("/dev-stack.properties")) {
      Properties properties = new Properties();
      properties.load(in);
      return properties;
    } catch (IOException e) {
      throw new IllegalStateException("dev-stack.properties is missing from the class path", e);
    }
  }
}
