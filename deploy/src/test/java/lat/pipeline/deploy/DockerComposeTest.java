package lat.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docker-compose.yml: the broker, the registry and the three services, started in order. */
class DockerComposeTest {

  static final Map<String, Object> COMPOSE = Yamls.mapping(RepoRoot.find().resolve("docker-compose.yml"));
  static final Map<String, Object> SERVICES = Yamls.asMap(COMPOSE.get("services"), "services");

  private static Map<String, Object> service(String name) {
    return Yamls.asMap(SERVICES.get(name), "service " + name);
  }

  private static Map<String, Object> environment(String name) {
    return Yamls.asMap(service(name).get("environment"), name + " environment");
  }

  @Test
  void aSingleNodeKraftBrokerAndARegistryThatKeepsSchemasInKafka() {
    assertThat(String.valueOf(service("kafka").get("image"))).startsWith("apache/kafka:");
    assertThat(String.valueOf(environment("kafka").get("KAFKA_PROCESS_ROLES"))).contains("broker", "controller");
    assertThat(volumeTargets("kafka")).contains(String.valueOf(environment("kafka").get("KAFKA_LOG_DIRS")));

    assertThat(String.valueOf(service("registry").get("image"))).startsWith("apicurio/apicurio-registry:3");
    assertThat(environment("registry")).containsEntry("APICURIO_STORAGE_KIND", "kafkasql")
        .containsEntry("APICURIO_KAFKASQL_BOOTSTRAP_SERVERS", "kafka:9092");
  }

  @Test
  void theServicesRunTheImagesWithVolumesForSpoolAndState() {
    assertThat(service("receiver").get("image")).isEqualTo("lat-pipeline/receiver:0.1.0");
    assertThat(service("normalizer").get("image")).isEqualTo("lat-pipeline/normalizer:0.1.0");
    assertThat(service("bsale-fetcher").get("image")).isEqualTo("lat-pipeline/bsale-fetcher:0.1.0");
    assertThat(volumeTargets("receiver")).contains("/var/lib/receiver/spool",
        String.valueOf(environment("receiver").get("WEBHOOK_SECRETS_DIR")));
    assertThat(volumeTargets("normalizer")).contains(String.valueOf(environment("normalizer").get("NORMALIZER_STATE_DIR")));
    assertThat(volumeTargets("bsale-fetcher")).contains("/var/run/secrets/bsale");
    Map<String, Object> named = Yamls.asMap(COMPOSE.get("volumes"), "volumes");
    for (String service : List.of("kafka", "receiver", "normalizer")) {
      assertThat(volumeSources(service)).as(service).anyMatch(named::containsKey);
    }
    assertThat(environment("normalizer").get("SCHEMA_REGISTRY_URL")).isEqualTo("http://registry:8080");
  }

  @Test
  void everyServiceHasAHealthCheckAndWaitsForItsDependenciesToBeHealthy() {
    SERVICES.forEach((name, s) -> {
      Map<String, Object> service = Yamls.asMap(s, name);
      Map<String, Object> health = Yamls.asMap(service.get("healthcheck"), name + " healthcheck");
      assertThat(health.get("test")).as(name).isNotNull();
      if (service.get("depends_on") != null) {
        Yamls.asMap(service.get("depends_on"), name + " depends_on").forEach((dependency, condition) -> {
          assertThat(SERVICES).as(name + " depends on " + dependency).containsKey(dependency);
          assertThat(Yamls.asMap(condition, name)).containsEntry("condition", "service_healthy");
        });
      }
    });
    for (String service : List.of("registry", "receiver", "normalizer", "bsale-fetcher")) {
      assertThat(Yamls.asMap(service(service).get("depends_on"), service)).as(service).containsKey("kafka");
    }
    assertThat(Yamls.asMap(service("normalizer").get("depends_on"), "normalizer")).containsKey("registry");
    assertThat(String.valueOf(service("receiver").get("healthcheck"))).contains("/health/ready");
    assertThat(String.valueOf(service("normalizer").get("healthcheck")))
        .contains(":" + environment("normalizer").get("NORMALIZER_HEALTH_PORT") + "/health/ready");
  }

  /** Where docker-compose (the standalone client) is installed, it validates the file. Skipped elsewhere. */
  @Test
  void composeItselfAcceptsTheFile() throws Exception {
    Path client = Stream.of(String.valueOf(System.getenv("PATH")).split(File.pathSeparator))
        .map(p -> Path.of(p, "docker-compose")).filter(Files::isExecutable).findFirst().orElse(null);
    assumeTrue(client != null, "docker-compose is not installed");
    Path root = RepoRoot.find();
    Process process = new ProcessBuilder(client.toString(), "-f", root.resolve("docker-compose.yml").toString(),
        "config", "-q").directory(root.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }

  private static List<String> volumeTargets(String service) {
    return volumes(service).stream().map(v -> v.split(":")[1]).toList();
  }

  private static List<String> volumeSources(String service) {
    return volumes(service).stream().map(v -> v.split(":")[0]).toList();
  }

  private static List<String> volumes(String service) {
    return Yamls.asList(service(service).get("volumes"), service + " volumes").stream().map(String::valueOf).toList();
  }
}
