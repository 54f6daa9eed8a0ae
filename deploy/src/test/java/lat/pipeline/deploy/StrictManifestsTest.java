package lat.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
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

  private static final String TOPIC = """
      apiVersion: kafka.strimzi.io/v1
      kind: KafkaTopic
      metadata:
        name: raw.obuma
        labels: {strimzi.io/cluster: pipeline}
      spec:
        partitions: 6
        replicas: 3
        config: {retention.ms: -1}
      """;

  private static final String KAFKA = """
      apiVersion: kafka.strimzi.io/v1
      kind: Kafka
      metadata: {name: pipeline}
      spec:
        kafka:
          version: 4.3.1
          listeners:
            - {name: tls, port: 9093, type: internal, tls: true, authentication: {type: scram-sha-512}}
          authorization: {type: simple}
        entityOperator: {topicOperator: {}, userOperator: {}}
      """;

  private static final String USER = """
      apiVersion: kafka.strimzi.io/v1
      kind: KafkaUser
      metadata:
        name: receiver
        labels: {strimzi.io/cluster: pipeline}
      spec:
        authentication: {type: scram-sha-512}
        authorization:
          type: simple
          acls:
            - resource: {type: topic, name: raw.obuma, patternType: literal}
              operations: [Write, Describe]
      """;

  @Test
  void strimziResourcesBindToStrimzisOwnModel() {
    assertThat(StrictManifests.load(doc(TOPIC), "test")).isInstanceOf(KafkaTopic.class);
    assertThat(StrictManifests.load(doc(KAFKA), "test")).isInstanceOf(Kafka.class);
    assertThat(StrictManifests.load(doc(USER), "test")).isInstanceOf(KafkaUser.class);
  }

  /** Fails on main before this change: v1beta2 was the only Strimzi API the loader allowed, and Strimzi 1.x serves only v1. */
  @Test
  void theRemovedV1beta2ApiIsRefused() {
    assertThatThrownBy(() -> StrictManifests.load(doc(TOPIC.replace("kafka.strimzi.io/v1", "kafka.strimzi.io/v1beta2")),
        "test"))
        .hasMessageContaining("kafka.strimzi.io/v1beta2/KafkaTopic")
        .hasMessageContaining("unknown or disallowed apiVersion/kind");
  }

  @Test
  void anUnknownOrRemovedStrimziFieldFailsAndSaysWhere() {
    assertRefused(TOPIC.replace("partitions: 6", "partition: 6"), "unknown field `partition` at spec.partition");
    // v1 has no spec.kafka.replicas (node pools hold the nodes) and no spec.zookeeper.
    assertRefused(KAFKA.replace("    version: 4.3.1", "    replicas: 3"), "unknown field `replicas` at spec.kafka.replicas");
    assertRefused(KAFKA.replace("  entityOperator:", "  zookeeper: {replicas: 3}\n  entityOperator:"),
        "unknown field `zookeeper` at spec.zookeeper");
    assertRefused(TOPIC.replace("name: raw.obuma", "name: raw.obuma\n  namespce: x"),
        "unknown field `namespce` at metadata.namespce");
  }

  @Test
  void aRequiredStrimziFieldLeftOutFails() {
    assertRefused(KAFKA.replace(" tls: true,", ""), "spec.kafka.listeners[0].tls is required");
    assertRefused(TOPIC.substring(0, TOPIC.indexOf("spec:")), "spec is missing");
    assertRefused(TOPIC.replace("  labels: {strimzi.io/cluster: pipeline}\n", ""), "label strimzi.io/cluster is missing");
  }

  @Test
  void aValueThatStrimzisModelDoesNotKnowFails() {
    assertRefused(USER.replace("[Write, Describe]", "[Wirte, Describe]"),
        "spec.authorization.acls[0].operations[0]: `Wirte` is not a value the model takes");
    assertRefused(USER.replace("patternType: literal", "patternType: prefixed"), "`prefixed` is not a value the model takes");
    assertRefused(KAFKA.replace("type: scram-sha-512", "type: scram-sha-1"), "scram-sha-1");
  }

  private static void assertRefused(String yaml, String message) {
    assertThatThrownBy(() -> StrictManifests.load(doc(yaml), "test"))
        .isInstanceOf(StrictManifests.InvalidManifest.class)
        .hasMessageContaining(message);
  }

  @Test
  void theServiceMonitorBindsGenericallyAndItsSpecIsChecked() {
    String monitor = """
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: m}
        spec:
          selector: {matchLabels: {a: b}}
          endpoints:
            - port: http
              interval: 30s
        """;
    assertThat(StrictManifests.load(doc(monitor), "test")).isInstanceOf(GenericKubernetesResource.class);
    assertThatThrownBy(() -> StrictManifests.load(doc(monitor.replace("interval:", "intervall:")), "test"))
        .hasMessageContaining("unknown field `intervall` at spec.endpoints[0].intervall");
  }

  @Test
  void aMistakeInjectedIntoARealManifestIsCaught() throws Exception {
    Path file = RepoRoot.find().resolve("k8s/base/receiver.yaml");
    String text = Files.readString(file);
    assertThat(text).contains("          image: lat-pipeline/receiver\n");
    String bad = text.replace("          image: lat-pipeline/receiver\n",
        "          image: lat-pipeline/receiver\n          resource:\n            limits: {memory: 1Gi}\n");
    Map<String, Object> statefulSet = Yamls.documents(bad).stream()
        .map(d -> Yamls.asMap(d, file.toString()))
        .filter(d -> "StatefulSet".equals(d.get("kind")))
        .findFirst().orElseThrow();
    assertThatThrownBy(() -> StrictManifests.load(statefulSet, file.toString()))
        .hasMessageContaining("unknown field `resource` at spec.template.spec.containers[0].resource");
  }
}
