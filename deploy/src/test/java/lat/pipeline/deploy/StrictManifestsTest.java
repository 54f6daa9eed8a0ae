package lat.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict loader refuses what it must: otherwise the manifest tests would prove nothing. */
class StrictManifestsTest {

  private static Map<String, Object> doc(String yaml) {
    return Yamls.asMap(Yamls.documents(yaml).get(0), "test");
  }

  private static final String STATEFUL_SET = """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: demo
      spec:
        serviceName: demo
        selector:
          matchLabels: {app: demo}
        template:
          metadata:
            labels: {app: demo}
          spec:
            containers:
              - name: demo
                image: lat-pipeline/receiver:0.1.0
                ports:
                  - name: http
                    containerPort: 8080
                readinessProbe:
                  httpGet: {path: /health/ready, port: http}
      """;

  @Test
  void aValidManifestBindsToTheModel() {
    assertThat(StrictManifests.load(doc(STATEFUL_SET), "test")).isInstanceOf(StatefulSet.class);
  }

  @Test
  void anUnknownFieldInAContainerFailsAndSaysWhere() {
    String bad = STATEFUL_SET.replace("image: lat-pipeline/receiver:0.1.0",
        "image: lat-pipeline/receiver:0.1.0\n          imagePullPolcy: Always");
    assertThatThrownBy(() -> StrictManifests.load(doc(bad), "test"))
        .isInstanceOf(StrictManifests.InvalidManifest.class)
        .hasMessageContaining("unknown field `imagePullPolcy`")
        .hasMessageContaining("spec.template.spec.containers[0].imagePullPolcy");
  }

  @Test
  void anUnknownFieldAtTheTopOfASpecOrInMetadataFails() {
    assertThatThrownBy(() -> StrictManifests.load(doc(STATEFUL_SET.replace("serviceName: demo",
        "serviceName: demo\n  replica: 2")), "test"))
        .hasMessageContaining("unknown field `replica` at spec.replica");
    assertThatThrownBy(() -> StrictManifests.load(doc(STATEFUL_SET.replace("  name: demo\nspec",
        "  name: demo\n  lables: {a: b}\nspec")), "test"))
        .hasMessageContaining("unknown field `lables` at metadata.lables");
  }

  @Test
  void aFieldOfTheWrongShapeFails() {
    assertThatThrownBy(() -> StrictManifests.load(doc(STATEFUL_SET.replace("containerPort: 8080",
        "containerPort: [8080]")), "test"))
        .isInstanceOf(StrictManifests.InvalidManifest.class)
        .hasMessageContaining("containerPort");
  }

  @Test
  void aKindOutsideTheAllowListOrUnderTheWrongApiVersionFails() {
    assertThatThrownBy(() -> StrictManifests.load(doc(STATEFUL_SET.replace("kind: StatefulSet", "kind: StatefullSet")), "test"))
        .hasMessageContaining("apps/v1/StatefullSet")
        .hasMessageContaining("unknown or disallowed apiVersion/kind");
    assertThatThrownBy(() -> StrictManifests.load(doc("""
        apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata: {name: x}
        spec: {maxUnavailable: 1}
        """), "test"))
        .hasMessageContaining("policy/v1beta1/PodDisruptionBudget");
    assertThatThrownBy(() -> StrictManifests.load(doc("""
        apiVersion: kafka.strimzi.io/v1alpha1
        kind: KafkaTopic
        metadata: {name: x}
        spec: {partitions: 1}
        """), "test"))
        .hasMessageContaining("kafka.strimzi.io/v1alpha1/KafkaTopic");
  }

  @Test
  void customResourcesBindGenericallyAndTheirSpecIsChecked() {
    String topic = """
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaTopic
        metadata:
          name: raw.obuma
          labels: {strimzi.io/cluster: pipeline}
        spec:
          partitions: 6
          replicas: 3
          config: {retention.ms: -1}
        """;
    assertThat(StrictManifests.load(doc(topic), "test")).isInstanceOf(GenericKubernetesResource.class);
    assertThatThrownBy(() -> StrictManifests.load(doc(topic.replace("partitions: 6", "partition: 6")), "test"))
        .hasMessageContaining("unknown field `partition` at spec.partition");
    assertThatThrownBy(() -> StrictManifests.load(doc(topic.replace("  labels: {strimzi.io/cluster: pipeline}\n", "")), "test"))
        .hasMessageContaining("label strimzi.io/cluster is missing");
    assertThatThrownBy(() -> StrictManifests.load(doc(topic.replace("name: raw.obuma", "name: raw.obuma\n  namespce: x")), "test"))
        .hasMessageContaining("unknown field `namespce` at metadata.namespce");
    assertThatThrownBy(() -> StrictManifests.load(doc("""
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: m}
        spec:
          selector: {matchLabels: {a: b}}
          endpoints:
            - port: http
              intervall: 30s
        """), "test"))
        .hasMessageContaining("unknown field `intervall` at spec.endpoints[0].intervall");
  }

  @Test
  void aMistakeInjectedIntoARealManifestIsCaught() throws Exception {
    Path file = RepoRoot.find().resolve("k8s/base/receiver.yaml");
    String text = Files.readString(file);
    assertThat(text).contains("          image: lat-pipeline/receiver:0.1.0\n");
    String bad = text.replace("          image: lat-pipeline/receiver:0.1.0\n",
        "          image: lat-pipeline/receiver:0.1.0\n          resource:\n            limits: {memory: 1Gi}\n");
    Map<String, Object> statefulSet = Yamls.documents(bad).stream()
        .map(d -> Yamls.asMap(d, file.toString()))
        .filter(d -> "StatefulSet".equals(d.get("kind")))
        .findFirst().orElseThrow();
    assertThatThrownBy(() -> StrictManifests.load(statefulSet, file.toString()))
        .hasMessageContaining("unknown field `resource` at spec.template.spec.containers[0].resource");
  }
}
