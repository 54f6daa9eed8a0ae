package lat.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and the Kubernetes manifests set, for the pipeline's own containers, only
 * variables that README.md's configuration table lists: an operator reading the table knows
 * every knob the deployment turns.
 */
class EnvironmentVariablesTest {

  static final Path ROOT = RepoRoot.find();
  static final Set<String> DOCUMENTED = ReadmeConfiguration.variables(ROOT.resolve("README.md"));

  @Test
  void theReadmeTableIsRead() {
    assertThat(DOCUMENTED).contains("KAFKA_BOOTSTRAP_SERVERS", "WEBHOOK_SECRETS_DIR", "NORMALIZER_STANDBY_REPLICAS",
        // a row that names several
        "KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "REGISTRY_PORT");
  }

  @Test
  void aTableRowMayNameSeveralVariablesAndTheTableEndsWithItsSection() {
    Set<String> names = ReadmeConfiguration.variables(List.of(
        "## Other", "| `NOT_THIS` | x |", "",
        "## Configuration", "", "Text.", "",
        "| variable | default |", "| --- | --- |",
        "| `ONE` | `1` |", "| `TWO`, `THREE` | `2`, `3` |", "",
        "More text.", "| `NOR_THIS` | x |"));
    assertThat(names).containsExactlyInAnyOrder("ONE", "TWO", "THREE");
    assertThatThrownBy(() -> ReadmeConfiguration.variables(List.of("## Configuration", "| v |", "| --- |", "| ONE |")))
        .hasMessageContaining("not a `VARIABLE_NAME`");
  }

  @Test
  void composeSetsOnlyDocumentedVariables() {
    Map<String, Object> compose = Yamls.mapping(ROOT.resolve("docker-compose.yml"));
    List<EnvironmentUse.Setting> settings = EnvironmentUse.inCompose(compose);
    assertThat(settings).extracting(EnvironmentUse.Setting::where).anyMatch(w -> w.endsWith("receiver"))
        .anyMatch(w -> w.endsWith("normalizer"));
    assertThat(EnvironmentUse.violations(settings, DOCUMENTED)).as("variables not in README's table").isEmpty();
  }

  @Test
  void kubernetesManifestsSetOnlyDocumentedVariables() {
    for (String layer : KubernetesManifestsTest.LAYERS) {
      List<EnvironmentUse.Setting> settings =
          EnvironmentUse.inKubernetes(MiniKustomize.render(KubernetesManifestsTest.K8S.resolve(layer)));
      assertThat(settings).as(layer).isNotEmpty();
      assertThat(EnvironmentUse.violations(settings, DOCUMENTED)).as(layer + ": variables not in README's table").isEmpty();
    }
  }

  @Test
  void theCheckFindsAnUndocumentedVariableAndHiddenOnes() {
    Map<String, Object> compose = Yamls.asMap(Yamls.documents("""
        services:
          receiver:
            image: lat-pipeline/receiver:0.1.0
            environment: [KAFKA_BOOTSTRAP_SERVERS=kafka:9092, RECEIVER_SECRET_SAUCE=1]
          other:
            image: registry.example.com/lat-pipeline/normalizer:0.1.0
            env_file: .env
          kafka:
            image: apache/kafka:4.4.0
            environment: {KAFKA_NODE_ID: 1}
        """).get(0), "compose");
    assertThat(EnvironmentUse.violations(EnvironmentUse.inCompose(compose), DOCUMENTED))
        .hasSize(2)
        .anyMatch(v -> v.contains("RECEIVER_SECRET_SAUCE"))
        .anyMatch(v -> v.contains("env_file"));

    Map<String, Object> deployment = Yamls.asMap(Yamls.documents("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              containers:
                - name: c
                  image: lat-pipeline/bsale-fetcher:0.1.0
                  env: [{name: FETCHER_TURBO, value: "1"}]
                  envFrom: [{configMapRef: {name: x}}]
                - name: sidecar
                  image: busybox
                  env: [{name: ANYTHING, value: "1"}]
        """).get(0), "deployment");
    List<String> violations = EnvironmentUse.violations(
        EnvironmentUse.inKubernetes(List.of(new MiniKustomize.Resource(deployment, Path.of("test.yaml")))), DOCUMENTED);
    assertThat(violations).hasSize(2)
        .anyMatch(v -> v.contains("FETCHER_TURBO"))
        .anyMatch(v -> v.contains("envFrom"));
  }
}
