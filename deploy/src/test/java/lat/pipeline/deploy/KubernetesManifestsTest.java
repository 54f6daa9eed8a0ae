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
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.net.URI;
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
import lat.pipeline.console.ConsoleConfig;
import lat.pipeline.receiver.auth.ClientAddress;
import lat.pipeline.schemas.Topic;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every manifest under k8s/, rendered as Kustomize renders each overlay and file by file, binds
 * strictly to the Kubernetes model; the overlays hold what the deployment needs and their
 * references (selectors, ports, volumes, targets) resolve.
 */
class KubernetesManifestsTest {

  /** The Kafka cluster's only listener (TLS and SCRAM-SHA-512). */
  private static final int TLS_LISTENER_PORT = 9093;

  static final Path K8S = RepoRoot.find().resolve("k8s");
  static final List<String> LAYERS = List.of("base", "overlays/small", "overlays/production");

  static final long SEVEN_DAYS_MS = 7L * 24 * 60 * 60 * 1000;

  /** The Kafka versions that Strimzi 1.2 runs (its kafka-versions.yaml, `supported: true`). */
  static final Set<String> STRIMZI_KAFKA_VERSIONS = Set.of("4.2.0", "4.2.1", "4.3.0", "4.3.1");

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

    /** Every pod template, by kind/name. */
    Map<String, PodTemplateSpec> templates() {
      Map<String, PodTemplateSpec> templates = new LinkedHashMap<>();
      all(StatefulSet.class).forEach(s -> templates.put("StatefulSet/" + s.getMetadata().getName(), s.getSpec().getTemplate()));
      all(Deployment.class).forEach(d -> templates.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
      return templates;
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
      for (Path file : MiniKustomize.resourceFiles(kustomization.getParent())) {
        listed.add(file);
        for (Object doc : Yamls.documents(file)) {
          StrictManifests.load(Yamls.asMap(doc, file.toString()), file.toString());
        }
      }
      for (Path file : MiniKustomize.patchFiles(kustomization.getParent())) {
        listed.add(file);
        for (Object doc : Yamls.documents(file)) {
          StrictManifests.loadPatch(Yamls.asMap(doc, file.toString()), file.toString());
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
    Map<String, KafkaTopic> topics = rendered.all(KafkaTopic.class).stream()
        .collect(Collectors.toMap(t -> t.getMetadata().getName(), t -> t));
    Map<String, Topic.Role> contract = Topics.all().stream().collect(Collectors.toMap(Topic::name, Topic::role));
    // Besides the contract, the console's record of what it re-drove (it creates no topic there).
    KafkaTopic resolved = topics.remove(ConsoleConfig.DEFAULT_RESOLVED_TOPIC);
    assertThat(resolved).as(ConsoleConfig.DEFAULT_RESOLVED_TOPIC).isNotNull();
    assertThat(resolved.getSpec().getConfig()).containsEntry("cleanup.policy", "compact,delete")
        .containsEntry("retention.ms", (int) SEVEN_DAYS_MS).containsEntry("min.insync.replicas", production ? 2 : 1);
    assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(contract.keySet());
    topics.forEach((name, topic) -> {
      Map<String, Object> config = topic.getSpec().getConfig();
      long retention = ((Number) Objects.requireNonNull(config.get("retention.ms"), name)).longValue();
      assertThat(retention).as(name).isEqualTo(contract.get(name) == Topic.Role.RAW ? -1L : SEVEN_DAYS_MS);
      assertThat(topic.getSpec().getPartitions()).as(name).isEqualTo(production ? 6 : 3);
      assertThat(topic.getSpec().getReplicas()).as(name).isEqualTo(production ? 3 : 1);
      assertThat(config.get("min.insync.replicas")).as(name).isEqualTo(production ? 2 : 1);
      boolean entity = Topics.CANONICAL_ENTITIES.stream().anyMatch(t -> t.name().equals(name));
      assertThat(config.get("cleanup.policy")).as(name).isEqualTo(entity ? "compact" : null);
      assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "pipeline");
    });
  }

  /**
   * Fails on main before this change: the raw topics had the broker's 1 MiB default, so a body at
   * the receiver's 1 MiB limit plus its headers was refused for good by the topic.
   */
  @ParameterizedTest
  @ValueSource(strings = {"overlays/small", "overlays/production"})
  void everyRawWebhookTopicTakesTheLargestBodyTheReceiverAccepts(String layer) {
    Map<String, KafkaTopic> topics = render(layer).all(KafkaTopic.class).stream()
        .collect(Collectors.toMap(t -> t.getMetadata().getName(), t -> t));
    int largestRecord = TopicSettings.rawRecordBytes(TopicSettings.DEFAULT_MAX_BODY_BYTES);
    Topics.RAW.forEach(raw -> {
      Object maxMessageBytes = topics.get(raw.name()).getSpec().getConfig().get("max.message.bytes");
      assertThat(maxMessageBytes).as(raw.name() + " max.message.bytes").isNotNull();
      assertThat(((Number) maxMessageBytes).intValue()).as(raw.name()).isGreaterThanOrEqualTo(largestRecord);
    });
  }

  /** Fails on main before this change: no Kafka version was pinned (the operator's default was used). */
  @ParameterizedTest
  @ValueSource(strings = {"overlays/small", "overlays/production"})
  void kafkaRunsOnNodePoolsWithAVersionThatStrimziSupports(String layer) {
    Rendered rendered = render(layer);
    List<Kafka> kafkas = rendered.all(Kafka.class);
    assertThat(kafkas).hasSize(1);
    Kafka kafka = kafkas.get(0);
    String version = kafka.getSpec().getKafka().getVersion();
    assertThat(version).isIn(STRIMZI_KAFKA_VERSIONS);
    assertThat(kafka.getSpec().getKafka().getMetadataVersion())
        .startsWith(version.substring(0, version.lastIndexOf('.')) + "-IV");
    Set<ProcessRoles> roles = new HashSet<>();
    int brokers = 0;
    for (KafkaNodePool pool : rendered.all(KafkaNodePool.class)) {
      assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
      roles.addAll(pool.getSpec().getRoles());
      if (pool.getSpec().getRoles().contains(ProcessRoles.BROKER)) {
        brokers += pool.getSpec().getReplicas();
      }
    }
    assertThat(roles).containsExactlyInAnyOrder(ProcessRoles.CONTROLLER, ProcessRoles.BROKER);
    Map<String, Object> config = kafka.getSpec().getKafka().getConfig();
    int replication = ((Number) config.get("default.replication.factor")).intValue();
    assertThat(brokers).as("brokers for the replication factor").isGreaterThanOrEqualTo(replication);
    if (layer.endsWith("production")) {
      assertThat(brokers).isGreaterThanOrEqualTo(3);
      assertThat(config.get("min.insync.replicas")).isEqualTo(2);
    }
  }

  /**
   * Fails on main before this change: the only listener was plaintext, with no authentication and no
   * ACLs; then a plain listener stayed beside the tls one, its ANONYMOUS clients super users.
   */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
  void kafkaHasOnlyATlsScramListenerWithAclsAndNoSuperUser(String layer) {
    Rendered rendered = render(layer);
    Kafka kafka = rendered.one(Kafka.class, "pipeline");
    List<GenericKafkaListener> listeners = kafka.getSpec().getKafka().getListeners();
    assertThat(listeners).extracting(GenericKafkaListener::getName).containsExactly("tls");
    GenericKafkaListener tls = listeners.get(0);
    assertThat(tls.getPort()).isEqualTo(TLS_LISTENER_PORT);
    assertThat(tls.isTls()).isTrue();
    assertThat(tls.getAuth()).isInstanceOf(KafkaListenerAuthenticationScramSha512.class);
    assertThat(kafka.getSpec().getKafka().getAuthorization()).isInstanceOf(KafkaAuthorizationSimple.class);
    assertThat(((KafkaAuthorizationSimple) kafka.getSpec().getKafka().getAuthorization()).getSuperUsers())
        .as("no client bypasses its ACLs").isNullOrEmpty();
    assertThat(kafka.getSpec().getEntityOperator().getUserOperator()).as("the User Operator").isNotNull();
    assertThat(kafka.getSpec().getEntityOperator().getTopicOperator()).as("the Topic Operator").isNotNull();
    for (PodTemplateSpec template : rendered.templates().values()) {
      assertThat(template.getMetadata().getLabels()).containsEntry("app.kubernetes.io/part-of", "lat-pipeline");
    }

    // Every pod that may reach the brokers may reach the listener, and nothing else of theirs.
    for (NetworkPolicy policy : rendered.all(NetworkPolicy.class)) {
      policy.getSpec().getEgress().stream()
          .filter(rule -> rule.getTo() != null && rule.getTo().stream().anyMatch(peer -> peer.getPodSelector() != null
              && "Kafka".equals(peer.getPodSelector().getMatchLabels().get("strimzi.io/kind"))))
          .forEach(rule -> assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal())
              .as("NetworkPolicy %s to the brokers", policy.getMetadata().getName())
              .containsExactly(TLS_LISTENER_PORT));
    }
  }

  /**
   * Fails on main before this change: every service connected to the plain listener with bootstrap
   * servers alone.
   */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
  void eachServiceLogsInToTheTlsListenerAsItsOwnKafkaUserWithItsSecretAndTheClusterCa(String layer) {
    Rendered rendered = render(layer);
    Map<String, String> users = Map.of("StatefulSet/receiver", "receiver", "StatefulSet/normalizer", "normalizer",
        "Deployment/bsale-fetcher", "bsale-fetcher", "Deployment/console", "console");
    users.forEach((workload, user) -> {
      PodTemplateSpec template = rendered.templates().get(workload);
      Container container = template.getSpec().getContainers().get(0);
      assertThat(env(container, "KAFKA_BOOTSTRAP_SERVERS")).as(workload).isEqualTo("pipeline-kafka-bootstrap:" + TLS_LISTENER_PORT);
      assertThat(env(container, "KAFKA_SECURITY_PROTOCOL")).as(workload).isEqualTo("SASL_SSL");
      assertThat(env(container, "KAFKA_SASL_MECHANISM")).as(workload).isEqualTo("SCRAM-SHA-512");
      assertThat(env(container, "KAFKA_SASL_USERNAME")).as(workload).isEqualTo(user);
      assertThat(secretVolume(template, "kafka-user")).as(workload).isEqualTo(user);
      assertThat(env(container, "KAFKA_SASL_PASSWORD_FILE")).as(workload).isEqualTo(mountPath(container, "kafka-user") + "/password");
      assertThat(secretVolume(template, "kafka-ca")).as(workload).isEqualTo("pipeline-cluster-ca-cert");
      assertThat(env(container, "KAFKA_SSL_CA_PEM_FILE")).as(workload).isEqualTo(mountPath(container, "kafka-ca") + "/ca.crt");
    });
    Container registry = container(rendered.templates().get("Deployment/registry"), "registry");
    assertThat(env(registry, "APICURIO_KAFKASQL_BOOTSTRAP_SERVERS")).isEqualTo("pipeline-kafka-bootstrap:" + TLS_LISTENER_PORT);
    assertThat(env(registry, "APICURIO_KAFKA_COMMON_SECURITY_PROTOCOL")).isEqualTo("SASL_SSL");
    assertThat(registry.getEnv()).filteredOn(e -> e.getName().equals("APICURIO_KAFKA_COMMON_SASL_JAAS_CONFIG")).singleElement()
        .satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("registry"));
    assertThat(env(registry, "APICURIO_KAFKA_COMMON_SSL_TRUSTSTORE_LOCATION"))
        .isEqualTo(mountPath(registry, "kafka-ca") + "/ca.crt");
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

    // A request that the ingress controller forwards is counted against the client it names.
    // Fails on main before this change: the receiver did not set RECEIVER_TRUSTED_PROXIES, so every
    // webhook through the Ingress counted against the controller pod's address.
    List<String> proxies = List.of(env(container, "RECEIVER_TRUSTED_PROXIES").split(","));
    assertThat(proxies).isNotEmpty();
    ClientAddress clientAddress = new ClientAddress(proxies);
    for (String cidr : proxies) {
      String ingressPod = cidr.trim().split("/")[0];
      assertThat(clientAddress.resolve(ingressPod, "203.0.113.9")).as(cidr).isEqualTo("203.0.113.9");
    }
  }

  /** Fails on main before this change: the fetcher did not set FETCHER_CREATE_TOPICS (default true). */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
  void noServiceCreatesTopicsOnKubernetesTheTopicOperatorOwnsThem(String layer) {
    Rendered rendered = render(layer);
    Map<String, String> switches = Map.of("StatefulSet/receiver", "RECEIVER_CREATE_TOPICS",
        "StatefulSet/normalizer", "NORMALIZER_CREATE_TOPICS", "Deployment/bsale-fetcher", "FETCHER_CREATE_TOPICS",
        "Deployment/console", "CONSOLE_CREATE_TOPICS");
    Map<String, PodTemplateSpec> templates = rendered.templates();
    switches.forEach((workload, variable) -> {
      PodTemplateSpec template = templates.get(workload);
      Container container = template.getSpec().getContainers().get(0);
      assertThat(env(container, variable)).as(workload).isEqualTo("false");
    });
  }

  /** Fails on main before this change: the production Ingress's `receiver-tls` was in no README step. */
  @ParameterizedTest
  @ValueSource(strings = {"overlays/small", "overlays/production"})
  void everySecretThatAPodMountsIsNamedInTheReadmesKubernetesSteps(String layer) throws IOException {
    Rendered rendered = render(layer);
    Set<String> secrets = new HashSet<>();
    for (PodTemplateSpec template : rendered.templates().values()) {
      template.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null)
          .forEach(v -> secrets.add(v.getSecret().getSecretName()));
      template.getSpec().getContainers().stream().flatMap(c -> c.getEnv().stream())
          .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
          .forEach(e -> secrets.add(e.getValueFrom().getSecretKeyRef().getName()));
    }
    rendered.all(Ingress.class).stream().filter(i -> i.getSpec().getTls() != null)
        .flatMap(i -> i.getSpec().getTls().stream()).forEach(tls -> secrets.add(tls.getSecretName()));
    assertThat(secrets).contains("webhook-secrets", "bsale-tokens", "receiver", "normalizer", "bsale-fetcher", "registry",
        "pipeline-cluster-ca-cert", "console", "console-operator-token");
    String steps = readmeSection("### On Kubernetes");
    assertThat(secrets).allSatisfy(secret -> assertThat(steps).as("README, On Kubernetes").contains("`" + secret + "`"));
  }

  /** Fails on main before this change: each manifest carried its image's full name and tag. */
  @Test
  void imagesAreNamedInTheManifestsAndGetRegistryAndTagOnlyFromTheKustomizationImages() throws IOException {
    Set<String> named = new HashSet<>();
    for (Path file : files(".yaml")) {
      if (file.getFileName().toString().equals(MiniKustomize.KUSTOMIZATION)) {
        continue;
      }
      for (Object doc : Yamls.documents(file)) {
        Object containers = Yamls.at(Yamls.asMap(doc, file.toString()), "spec", "template", "spec", "containers");
        if (containers instanceof List<?> list) {
          list.stream().map(c -> String.valueOf(((Map<?, ?>) c).get("image"))).filter(i -> !"null".equals(i))
              .forEach(image -> {
                assertThat(image).as(file + ": the tag belongs to the kustomization's images").doesNotContain(":", "@");
                named.add(image);
              });
        }
      }
    }
    List<Object> images = Yamls.asList(Yamls.mapping(K8S.resolve("base").resolve(MiniKustomize.KUSTOMIZATION)).get("images"),
        "k8s/base images");
    assertThat(images.stream().map(i -> Yamls.asMap(i, "image").get("name")).toList())
        .containsExactlyInAnyOrderElementsOf(named);
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

  /**
   * Fails on main before this change: the console was not deployed. It runs behind a ClusterIP
   * Service that only pods labelled as its clients may reach, with its operator token from a
   * Secret, scraping every receiver pod (the headless Service) and the fetcher, which let it in.
   */
  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
  void theConsoleRunsBehindAClusterIpServiceThatOnlyItsClientsReach(String layer) {
    Rendered rendered = render(layer);
    Deployment console = rendered.one(Deployment.class, "console");
    PodTemplateSpec template = console.getSpec().getTemplate();
    Container container = container(template, "console");
    assertThat(env(container, "CONSOLE_HOST")).isEqualTo("0.0.0.0");
    int port = Integer.parseInt(env(container, "CONSOLE_PORT"));
    assertThat(container.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(port);
    assertThat(env(container, "CONSOLE_OPERATOR_TOKEN_FILE")).isEqualTo(mountPath(container, "operator-token") + "/operator-token");
    assertThat(secretVolume(template, "operator-token")).isEqualTo("console-operator-token");
    assertThat(env(container, "SCHEMA_REGISTRY_URL")).isEqualTo("http://registry:8080");

    Service service = rendered.one(Service.class, "console");
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertSelects(service.getSpec().getSelector(), template);
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
    assertThat(rendered.all(Ingress.class)).as("not on the Ingress")
        .noneMatch(i -> i.getSpec().getRules().stream().flatMap(r -> r.getHttp().getPaths().stream())
            .anyMatch(p -> p.getBackend().getService().getName().equals("console")));

    NetworkPolicy policy = rendered.one(NetworkPolicy.class, "console");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "console");
    assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
      assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(port);
      assertThat(rule.getFrom()).singleElement().satisfies(peer ->
          assertThat(peer.getPodSelector().getMatchLabels()).containsExactly(Map.entry("lat.pipeline/console-client", "true")));
    });

    // What it scrapes: every receiver pod through the headless Service, the fetcher through its own.
    URI receivers = URI.create(env(container, "CONSOLE_RECEIVER_METRICS_URLS"));
    assertThat(receivers.getScheme()).isEqualTo("dns+http");
    Service receiverPods = rendered.one(Service.class, receivers.getHost());
    assertThat(receiverPods.getSpec().getClusterIP()).as("headless: one address per pod").isEqualTo("None");
    assertThat(receiverPods.getSpec().getPorts()).extracting(ServicePort::getPort).contains(receivers.getPort());
    URI fetchers = URI.create(env(container, "CONSOLE_FETCHER_METRICS_URLS"));
    Service fetcher = rendered.one(Service.class, fetchers.getHost());
    assertThat(fetcher.getSpec().getPorts()).extracting(ServicePort::getPort).contains(fetchers.getPort());
    for (Service target : List.of(receiverPods, fetcher)) {
      PodTemplateSpec pods = rendered.templates().values().stream().filter(t -> selects(target.getSpec().getSelector(), t))
          .findFirst().orElseThrow();
      String app = pods.getMetadata().getLabels().get("app.kubernetes.io/name");
      int targetPort = target == fetcher ? fetchers.getPort() : receivers.getPort();
      assertThat(policy.getSpec().getEgress()).as("console egress to " + app)
          .anyMatch(rule -> rule.getTo() != null && rule.getTo().stream().anyMatch(peer -> peer.getPodSelector() != null
              && app.equals(peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name")))
              && rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == targetPort));
      NetworkPolicy theirs = rendered.all(NetworkPolicy.class).stream()
          .filter(p -> app.equals(p.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/name"))).findFirst().orElseThrow();
      assertThat(theirs.getSpec().getIngress()).as(app + " lets the console in")
          .anyMatch(rule -> rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == targetPort)
              && (rule.getFrom() == null || rule.getFrom().isEmpty() || rule.getFrom().stream().anyMatch(peer -> peer.getPodSelector() != null
                  && peer.getNamespaceSelector() == null
                  && "console".equals(peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name")))));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
  void everyWorkloadHasProbesResourcesAndResolvableVolumesAndPorts(String layer) {
    Rendered rendered = render(layer);
    Map<String, PodTemplateSpec> templates = rendered.templates();
    assertThat(templates.keySet()).contains("StatefulSet/receiver", "StatefulSet/normalizer",
        "Deployment/bsale-fetcher", "Deployment/registry", "Deployment/console");
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

    Map<String, PodTemplateSpec> templates = rendered.templates();
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

  /** A section of README.md: from its heading to the next heading of the same or a higher level (outside code). */
  static String readmeSection(String heading) throws IOException {
    List<String> lines = Files.readAllLines(RepoRoot.find().resolve("README.md"));
    int start = lines.indexOf(heading);
    assertThat(start).as("README heading " + heading).isNotNegative();
    String sameOrHigher = "#{1," + heading.indexOf(' ') + "} .*";
    int end = start + 1;
    boolean inCode = false;
    while (end < lines.size() && (inCode || !lines.get(end).matches(sameOrHigher))) {
      inCode ^= lines.get(end).startsWith("```");
      end++;
    }
    return String.join("\n", lines.subList(start, end));
  }

  private static List<Path> files(String suffix) throws IOException {
    try (Stream<Path> walk = Files.walk(K8S)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(suffix)).map(Path::normalize).sorted().toList();
    }
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
