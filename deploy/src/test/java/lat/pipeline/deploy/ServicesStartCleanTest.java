package lat.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import lat.pipeline.dev.ChildProcess;
import lat.pipeline.dev.HttpProbe;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each service starts as its image runs it: its main class and libraries, an empty working
 * directory, and no environment but variables from README's configuration table. Anything else it
 * needed (a file in the repository, a variable of the developer's shell) would fail here.
 */
@ExtendWith({SharedKafka.class, SharedRegistry.class})
class ServicesStartCleanTest {

  private static final Set<String> DOCUMENTED = ReadmeConfiguration.variables(RepoRoot.find().resolve("README.md"));

  @Test
  void theReceiverStartsFromACleanDirectoryWithOnlyDocumentedVariables() throws Exception {
    Path dir = Files.createTempDirectory("clean-receiver");
    int port = Ports.free();
    assertStarts("receiver", "lat.pipeline.receiver.ReceiverMain", dir, port, Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers(),
        "RECEIVER_PORT", Integer.toString(port),
        "RECEIVER_SPOOL_DIR", dir.resolve("spool").toString(),
        "WEBHOOK_TOKENS", "*:demo=demo-token-0123456789"));
  }

  @Test
  void theNormalizerStartsFromACleanDirectoryWithOnlyDocumentedVariables() throws Exception {
    Path dir = Files.createTempDirectory("clean-normalizer");
    int port = Ports.free();
    assertStarts("normalizer", "lat.pipeline.normalizer.NormalizerMain", dir, port, Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers(),
        "SCHEMA_REGISTRY_URL", SharedRegistry.registry().baseUrl(),
        "NORMALIZER_APPLICATION_ID", "clean-start-normalizer",
        "NORMALIZER_STATE_DIR", dir.resolve("state").toString(),
        "NORMALIZER_HEALTH_PORT", Integer.toString(port)));
  }

  @Test
  void theFetcherStartsFromACleanDirectoryWithOnlyDocumentedVariables() throws Exception {
    Path dir = Files.createTempDirectory("clean-fetcher");
    int port = Ports.free();
    assertStarts("fetcher", "lat.pipeline.fetcher.FetcherMain", dir, port, Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers(),
        "BSALE_API_URL", "http://127.0.0.1:9",
        "BSALE_TOKENS_DIR", dir.resolve("tokens").toString(),
        "FETCHER_HEALTH_PORT", Integer.toString(port)));
  }

  private static void assertStarts(String name, String mainClass, Path dir, int port, Map<String, String> env)
      throws Exception {
    assertThat(DOCUMENTED).containsAll(env.keySet());
    Path workingDir = Files.createDirectories(dir.resolve("work"));
    ChildProcess service = ChildProcess.startJavaIsolated(name, mainClass, new HashMap<>(env), workingDir,
        dir.resolve(name + ".log"));
    try {
      HttpProbe.awaitOk(name, URI.create("http://127.0.0.1:" + port + "/health/ready"), service, Duration.ofSeconds(90));
    } finally {
      service.stop(30);
    }
    try (var files = Files.list(workingDir)) {
      assertThat(files).as("%s writes nothing into its working directory", name).isEmpty();
    }
  }
}
