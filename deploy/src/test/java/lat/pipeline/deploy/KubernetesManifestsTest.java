package lat.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every manifest under k8s/, rendered as Kustomize renders each overlay and file by file, binds
 * strictly to the Kubernetes model; the overlays hold what the deployment needs and their
 * references (selectors, ports, volumes, targets) resolve.
 */
class KubernetesManifestsTest {

  static final Path K8S = RepoRoot.find().resolve("k8s");
  static final List<String> LAYERS = List.of("base", "overlays/small", "overlays/production");

  static final List<String> RAW_TOPICS =
      List.of("raw.obuma", "raw.alegra", "raw.bsale", "raw.ninox", "raw.bsale.resources");
  static final List<String> OTHER_TOPICS = List.of("bsale.fetch-requests", "canonical.customers",
      "canonical.products", "canonical.prices", "canonical.stock", "canonical.documents", "canonical.events",
      "dlq.normalizer");
  static final long SEVEN_DAYS_MS = 7L * 24 * 60 * 60 * 1000;

  /** A rendered layer, bound to the model. */
  record Rendered(String layer, List<HasMetadata> resources) {
    <T extends HasMetadata> List<T> all(Class<T> type) {
      return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
      List<T> found = all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).toList();
      assertThat(found).as("%s %s/%s", layer, type.getSimpleName(), name).hasSize(1);
      return found.get(0);
    }

    List<GenericKubernetesResource> custom(String kind) {
      return all(GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals(kind)).toList();
    }
  }

  static Rendered render(String layer) {
    List<HasMetadata> bound = new ArrayList<>();
    for (MiniKustomize.Resource r : MiniKustomize.render(K8S.resolve(layer))) {
      bound.add(StrictManifests.load(r.body(), "k8s/" + layer + " rendered, from " + K8S.relativize(r.source())));
    }
    return new Rendered(layer, bound);
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
  void everyRenderedResourceBindsStrictlyAndOnce(String layer) {
    Rendered rendered = render(layer);
    List<String> ids = rendered.resources().stream()
        .map(r -> r.getApiVersion() + "/" + r.getKind() + "/" + r.getMetadata().getName())
        .toList();
    assertThat(ids).doesNotHaveDuplicates().isNotEmpty();
  }

  @Test
  void everyFileThatAKustomizationListsBindsStrictlyAndNoManifestIsLeftOut() throws IOException {
    Set<Path> listed = new HashSet<>();
    for (Path kustomization : files("kustomization.yaml")) {
      for (Path file : MiniKustomize.ownFiles(kustomization.getParent())) {
        listed.add(file);
        for (Object doc : Yamls.documents(file)) {
          StrictManifests.load(Yamls.asMap(doc, file.toString()), file.toString());
        }
      }
    }
    List<Path> yamls = files(".yaml").stream()
        .filter(p -> !p.getFileName().toString().equals(MiniKustomize.KUSTOMIZATION))
        .toList();
    assertThat(listed).as("YAML files under k8s/ that no kustomization lists").containsAll(yamls);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlays/small", "overlays/production"})
  void theTopicsAreTheContractsWithItsRetention(String layer) {
    Rendered rendered = render(layer);
    boolean production = layer.endsWith("production");
    Map<String, GenericKubernetesResource> topics = rendered.custom("KafkaTopic").stream()
        .collect(Collectors.toMap(t -> t.getMetadata().getName(), t -> t));
    assertThat(topics.keySet())
        .containsExactlyInAnyOrderElementsOf(Stream.concat(RAW_TOPICS.stream(), OTHER_TOPICS.stream()).toList());
    topics.forEach((name, topic) -> {
      long retention = ((Number) Objects.requireNonNull(topic.get("spec", "config", "retention.ms"))).longValue();
      assertThat(retention).as(name).isEqualTo(RAW_TOPICS.contains(name) ? -1L : SEVEN_DAYS_MS);
      assertThat((Object) topic.get("spec", "partitions")).as(name).isEqualTo(production ? 6 : 3);
      assertThat((Object) topic.get("spec", "replicas")).as(name).isEqualTo(production ? 3 : 1);
      assertThat((Object) topic.get("spec", "config", "min.insync.replicas")).as(name).isEqualTo(production ? 2 : 1);
      assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "pipeline");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlays/small", "overlays/production"})
  void kafkaRunsInKraftModeOnNodePools(String layer) {
    Rendered rendered = render(layer);
    List<GenericKubernetesResource> kafkas = rendered.custom("Kafka");
    assertThat(kafkas).hasSize(1);
    GenericKubernetesResource kafka = kafkas.get(0);
    assertThat(kafka.getMetadata().getAnnotations())
        .containsEntry("strimzi.io/kraft", "enabled")
        .containsEntry("strimzi.io/node-pools", "enabled");
    List<GenericKubernetesResource> pools = rendered.custom("KafkaNodePool");
    Set<Object> roles = new HashSet<>();
    int brokers = 0;
    for (GenericKubernetesResource pool : pools) {
      assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
      List<?> poolRoles = pool.get("spec", "roles");
      roles.addAll(poolRoles);
      if (poolRoles.contains("broker")) {
        brokers += ((Number) pool.get("spec", "replicas")).intValue();
      }
    }
    assertThat(roles).containsExactlyInAnyOrder("controller", "broker");
    int replication = ((Number) kafka.get("spec", "kafka", "config", "default.replication.factor")).intValue();
    assertThat(brokers).as("brokers for the replication factor").isGreaterThanOrEqualTo(replication);
    if (layer.endsWith("production")) {
      assertThat(brokers).isGreaterThanOrEqualTo(3);
      assertThat((Object) kafka.get("spec", "kafka", "config", "min.insync.replicas")).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
  void theReceiverIsAStatefulSetWithASpoolVolumeBehindServiceAndIngressWithBudgetAndAutoscaler(String layer) {
    Rendered rendered = render(layer);
    StatefulSet receiver = rendered.one(StatefulSet.class, "receiver");
    assertThat(receiver.getSpec().getVolumeClaimTemplates()).extracting(c -> c.getMetadata().getName())
        .containsExactly("spool");
    Container container = container(receiver.getSpec().getTemplate(), "receiver");
    assertThat(mountPath(container, "spool")).isEqualTo("/var/lib/receiver/spool");
    assertThat(mountPath(container, "webhook-secrets")).isEqualTo(env(container, "WEBHOOK_SECRETS_DIR"));
    assertThat(secretVolume(receiver.getSpec().getTemplate(), "webhook-secrets")).isEqualTo("webhook-secrets");

    Service service = rendered.one(Service.class, "receiver");
    assertSelects(service.getSpec().getSelector(), receiver.getSpec().getTemplate());
    Ingress ingress = rendered.one(Ingress.class, "receiver");
    var backend = ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService();
    assertThat(backend.getName()).isEqualTo("receiver");
    assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName).contains(backend.getPort().getName());

    PodDisruptionBudget pdb = rendered.one(PodDisruptionBudget.class, "receiver");
    assertSelects(pdb.getSpec().getSelector().getMatchLabels(), receiver.getSpec().getTemplate());
    HorizontalPodAutoscaler hpa = rendered.one(HorizontalPodAutoscaler.class, "receiver");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("StatefulSet");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("receiver");
    assertThat(hpa.getSpec().getMinReplicas()).isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
    assertThat(env(container, "RECEIVER_PORT")).isEqualTo("8080");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
  void theNormalizerKeepsItsStateOnAVolumeAndTheFetcherIsADeploymentWithItsTokens(String layer) {
    Rendered rendered = render(layer);
    StatefulSet normalizer = rendered.one(StatefulSet.class, "normalizer");
    Container container = container(normalizer.getSpec().getTemplate(), "normalizer");
    assertThat(normalizer.getSpec().getVolumeClaimTemplates()).extracting(c -> c.getMetadata().getName())
        .containsExactly("state");
    assertThat(mountPath(container, "state")).isEqualTo(env(container, "NORMALIZER_STATE_DIR"));
    assertThat(env(container, "NORMALIZER_STANDBY_REPLICAS"))
        .isEqualTo(layer.endsWith("production") ? "1" : "0");
    if (layer.endsWith("production")) {
      assertThat(normalizer.getSpec().getReplicas()).isGreaterThan(1);
    }
    rendered.one(PodDisruptionBudget.class, "normalizer");

    Deployment fetcher = rendered.one(Deployment.class, "bsale-fetcher");
    Container fetcherContainer = container(fetcher.getSpec().getTemplate(), "bsale-fetcher");
    assertThat(mountPath(fetcherContainer, "bsale-tokens")).isEqualTo("/var/run/secrets/bsale");
    assertThat(secretVolume(fetcher.getSpec().getTemplate(), "bsale-tokens")).isEqualTo("bsale-tokens");

    Deployment registry = rendered.one(Deployment.class, "registry");
    Container registryContainer = container(registry.getSpec().getTemplate(), "registry");
    assertThat(env(registryContainer, "APICURIO_STORAGE_KIND")).isEqualTo("kafkasql");
    assertThat(env(container, "SCHEMA_REGISTRY_URL")).startsWith("http://registry:");
    assertSelects(rendered.one(Service.class, "registry").getSpec().getSelector(), registry.getSpec().getTemplate());
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
  void everyWorkloadHasProbesResourcesAndResolvableVolumesAndPorts(String layer) {
    Rendered rendered = render(layer);
    Map<String, PodTemplateSpec> templates = templates(rendered);
    assertThat(templates.keySet()).contains("StatefulSet/receiver", "StatefulSet/normalizer",
        "Deployment/bsale-fetcher", "Deployment/registry");
    templates.forEach((id, template) -> {
      Set<String> volumes = new HashSet<>();
      template.getSpec().getVolumes().stream().map(Volume::getName).forEach(volumes::add);
      rendered.all(StatefulSet.class).stream().filter(s -> id.equals("StatefulSet/" + s.getMetadata().getName()))
          .flatMap(s -> s.getSpec().getVolumeClaimTemplates().stream())
          .forEach(c -> volumes.add(c.getMetadata().getName()));
      for (Container c : template.getSpec().getContainers()) {
        String where = id + " container " + c.getName();
        assertThat(c.getResources().getRequests()).as(where + " requests").containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).as(where + " limits").containsKey("memory");
        assertThat(c.getVolumeMounts()).extracting(VolumeMount::getName).as(where + " mounts").allMatch(volumes::contains);
        Set<String> ports = c.getPorts().stream().map(p -> p.getName()).collect(Collectors.toSet());
        for (Probe probe : Stream.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())
            .filter(Objects::nonNull).toList()) {
          HTTPGetAction get = probe.getHttpGet();
          assertThat(get).as(where + " probes over HTTP").isNotNull();
          assertThat(get.getPort().getStrVal()).as(where + " probe port").isIn(ports);
        }
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).as(where).isEqualTo("/health/live");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).as(where).isEqualTo("/health/ready");
        if (EnvironmentUse.isOurs(c.getImage())) {
          assertThat(template.getSpec().getSecurityContext().getRunAsNonRoot()).as(where).isTrue();
          assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(where).isTrue();
        }
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
  void prometheusScrapesEveryServiceAndEveryPodHasANetworkPolicy(String layer) {
    Rendered rendered = render(layer);
    List<GenericKubernetesResource> monitors = rendered.custom("ServiceMonitor");
    assertThat(monitors).hasSize(1);
    Map<String, Object> matchLabels = monitors.get(0).get("spec", "selector", "matchLabels");
    List<Map<String, Object>> endpoints = monitors.get(0).get("spec", "endpoints");
    Set<String> scraped = new HashSet<>();
    for (Service service : rendered.all(Service.class)) {
      Map<String, String> labels = service.getMetadata().getLabels();
      if (matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
        scraped.add(service.getMetadata().getName());
        assertThat(service.getSpec().getPorts()).extracting(ServicePort::getName).contains((String) endpoints.get(0).get("port"));
      }
    }
    assertThat(scraped).containsExactlyInAnyOrder("receiver", "normalizer", "bsale-fetcher");
    assertThat(endpoints.get(0)).containsEntry("path", "/metrics");

    Map<String, PodTemplateSpec> templates = templates(rendered);
    for (PodTemplateSpec template : templates.values()) {
      Map<String, String> labels = template.getMetadata().getLabels();
      assertThat(rendered.all(NetworkPolicy.class))
          .as("a NetworkPolicy for pods %s", labels)
          .anyMatch(p -> p.getSpec().getPodSelector().getMatchLabels().entrySet().stream()
              .allMatch(e -> e.getValue().equals(labels.get(e.getKey()))));
    }
    for (Service service : rendered.all(Service.class)) {
      assertThat(templates.values()).as("pods behind Service %s", service.getMetadata().getName())
          .anyMatch(t -> selects(service.getSpec().getSelector(), t));
    }
  }

  // --- helpers ---

  private static List<Path> files(String suffix) throws IOException {
    try (Stream<Path> walk = Files.walk(K8S)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(suffix)).map(Path::normalize).sorted().toList();
    }
  }

  static Map<String, PodTemplateSpec> templates(Rendered rendered) {
    Map<String, PodTemplateSpec> templates = new LinkedHashMap<>();
    rendered.all(StatefulSet.class).forEach(s -> templates.put("StatefulSet/" + s.getMetadata().getName(), s.getSpec().getTemplate()));
    rendered.all(Deployment.class).forEach(d -> templates.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
    return templates;
  }

  static Container container(PodTemplateSpec template, String name) {
    return template.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  static String env(Container container, String name) {
    return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue)
        .findFirst().orElseThrow(() -> new AssertionError(container.getName() + " does not set " + name));
  }

  private static String mountPath(Container container, String volume) {
    return container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume)).map(VolumeMount::getMountPath)
        .findFirst().orElseThrow(() -> new AssertionError(container.getName() + " does not mount " + volume));
  }

  private static String secretVolume(PodTemplateSpec template, String volume) {
    return template.getSpec().getVolumes().stream().filter(v -> v.getName().equals(volume))
        .map(v -> v.getSecret().getSecretName()).findFirst().orElseThrow();
  }

  private static boolean selects(Map<String, String> selector, PodTemplateSpec template) {
    Map<String, String> labels = template.getMetadata().getLabels();
    return selector != null && !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static void assertSelects(Map<String, String> selector, PodTemplateSpec template) {
    assertThat(selects(selector, template)).as("selector %s matches pods %s", selector, template.getMetadata().getLabels())
        .isTrue();
  }
}
