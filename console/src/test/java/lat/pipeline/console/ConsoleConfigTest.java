package lat.pipeline.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import lat.pipeline.config.Env;
import org.junit.jupiter.api.Test;

class ConsoleConfigTest {

  @Test
  void noOperatorTokenStopsTheStartNamingBothVariables() {
    assertThatThrownBy(() -> ConsoleConfig.fromEnv(new Env(Map.of())))
        .isInstanceOf(Env.ConfigException.class)
        .hasMessageContaining("CONSOLE_OPERATOR_TOKEN or CONSOLE_OPERATOR_TOKEN_FILE");
  }

  @Test
  void aShortTokenIsRefusedWithoutShowingIt() {
    assertThatThrownBy(() -> ConsoleConfig.fromEnv(new Env(Map.of("CONSOLE_OPERATOR_TOKEN", "short-secret"))))
        .hasMessageContaining("CONSOLE_OPERATOR_TOKEN").hasMessageContaining("at least 16")
        .hasMessageNotContaining("short-secret");
  }

  @Test
  void theTokenFileWinsAndTheDefaultsReachTheDevStack() throws Exception {
    Path file = Files.createTempFile("operator", ".token");
    Files.writeString(file, "from-the-file-0123456789\n");

    ConsoleConfig config = ConsoleConfig.fromEnv(new Env(Map.of(
        "CONSOLE_OPERATOR_TOKEN", "from-the-variable-0123456789", "CONSOLE_OPERATOR_TOKEN_FILE", file.toString())));

    assertThat(config.operatorToken()).isEqualTo("from-the-file-0123456789");
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8085);
    assertThat(config.receiverMetrics()).containsExactly(URI.create("http://127.0.0.1:8080/metrics"));
    assertThat(config.fetcherMetrics()).containsExactly(URI.create("http://127.0.0.1:8083/metrics"));
    assertThat(config.resolvedTopic()).isEqualTo("console.dlq-resolved");
    assertThat(config.createTopics()).isTrue();
  }

  @Test
  void aDnsMetricsUrlIsTakenAndTopicCreationCanBeTurnedOff() {
    ConsoleConfig config = ConsoleConfig.fromEnv(new Env(Map.of("CONSOLE_OPERATOR_TOKEN", "operator-token-0123456789",
        "CONSOLE_RECEIVER_METRICS_URLS", "dns+http://receiver-pods:8080/metrics", "CONSOLE_CREATE_TOPICS", "false")));
    assertThat(config.receiverMetrics()).containsExactly(URI.create("dns+http://receiver-pods:8080/metrics"));
    assertThat(config.createTopics()).isFalse();
  }

  @Test
  void aMetricsUrlThatIsNotHttpIsNamed() {
    assertThatThrownBy(() -> ConsoleConfig.fromEnv(new Env(Map.of(
        "CONSOLE_OPERATOR_TOKEN", "operator-token-0123456789", "CONSOLE_RECEIVER_METRICS_URLS", "http://a:8080/metrics, ftp://b/metrics"))))
        .hasMessageContaining("CONSOLE_RECEIVER_METRICS_URLS").hasMessageContaining("ftp://b/metrics");
  }
}
