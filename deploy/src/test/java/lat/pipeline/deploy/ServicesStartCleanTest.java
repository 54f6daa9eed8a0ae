package lat.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each service starts as its image runs it: its main class and libraries, an empty working
 * directory, and no environment but variables from README's configuration table. Anything else it
 * needed (a file in the repository, a variable of the developer's shell) would fail here. The three
 * start side by side (each its own JVM), and each test waits for its own.
 */
@ExtendWith({SharedKafka.class, SharedRegistry.class})
class ServicesStartCleanTest {

  private static final Set<String> DOCUMENTED = ReadmeConfiguration.variables(RepoRoot.find().resolve("README.md"));

  /** A service started in a clean working directory, ready once its health port answers. */
  private record CleanStart(String name, Map<String, String> env, Path workingDir, int port, ChildProcess process) {

    static CleanStart of(String name, String mainClass, Path dir, int port, Map<String, String> env) throws IOException {
      Path workingDir = Files.createDirectories(dir.resolve("work"));
      return new CleanStart(name, env, workingDir, port,
          ChildProcess.startJavaIsolated(name, mainClass, new HashMap<>(env), workingDir, dir.resolve(name + ".log")));
    }

    void assertStartedCleanly() throws Exception {
      assertThat(DOCUMENTED).containsAll(env.keySet());
      HttpProbe.awaitOk(name, URI.create("http://127.0.0.1:" + port + "/health/ready"), process, Duration.ofSeconds(90));
      try (var files = Files.list(workingDir)) {
        assertThat(files).as("%s writes nothing into its working directory", name).isEmpty();
      }
    }
  }

  private static CleanStart receiver;
  private static CleanStart normalizer;
  private static CleanStart fetcher;

  @BeforeAll
  static void startAll() throws IOException {
    Path receiverDir = Files.createTempDirectory("clean-receiver");
    int receiverPort = Ports.free();
    receiver = CleanStart.of("receiver", "lat.pipeline.receiver.ReceiverMain", receiverDir, receiverPort, Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers(),
        "RECEIVER_PORT", Integer.toString(receiverPort),
        "RECEIVER_SPOOL_DIR", receiverDir.resolve("spool").toString(),
        "WEBHOOK_TOKENS", "*:demo=demo-token-0123456789"));
    Path normalizerDir = Files.createTempDirectory("clean-normalizer");
    int normalizerPort = Ports.free();
    normalizer = CleanStart.of("normalizer", "lat.pipeline.normalizer.NormalizerMain", normalizerDir, normalizerPort, Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers(),
        "SCHEMA_REGISTRY_URL", SharedRegistry.registry().baseUrl(),
        "NORMALIZER_APPLICATION_ID", "clean-start-normalizer",
        "NORMALIZER_STATE_DIR", normalizerDir.resolve("state").toString(),
        "NORMALIZER_HEALTH_PORT", Integer.toString(normalizerPort)));
    Path fetcherDir = Files.createTempDirectory("clean-fetcher");
    int fetcherPort = Ports.free();
    fetcher = CleanStart.of("fetcher", "lat.pipeline.fetcher.FetcherMain", fetcherDir, fetcherPort, Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers(),
        "BSALE_API_URL", "http://127.0.0.1:9",
        "BSALE_TOKENS_DIR", fetcherDir.resolve("tokens").toString(),
        "FETCHER_HEALTH_PORT", Integer.toString(fetcherPort)));
  }

  @AfterAll
  static void stopAll() {
    for (CleanStart service : new CleanStart[] {receiver, normalizer, fetcher}) {
      if (service != null) {
        service.process().stop(30);
      }
    }
  }

  @Test
  void theReceiverStartsFromACleanDirectoryWithOnlyDocumentedVariables() throws Exception {
    receiver.assertStartedCleanly();
  }

  @Test
  void theNormalizerStartsFromACleanDirectoryWithOnlyDocumentedVariables() throws Exception {
    normalizer.assertStartedCleanly();
  }

  @Test
  void theFetcherStartsFromACleanDirectoryWithOnlyDocumentedVariables() throws Exception {
    fetcher.assertStartedCleanly();
  }
}
