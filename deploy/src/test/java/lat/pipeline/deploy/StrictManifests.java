package lat.pipeline.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * Binds manifests to fabric8's Kubernetes model and refuses what Kubernetes would refuse or
 * silently drop: an apiVersion/kind pair outside the allow-list, and any field the model does
 * not know.
 *
 * <p>fabric8's classes collect unknown fields in {@code additionalProperties} through a
 * {@code @JsonAnySetter}; the mapper here removes that setter (and any ignore-unknown flag) from
 * every model class, so an unknown field fails with Jackson's UnrecognizedPropertyException.
 * Strimzi's resources bind the same way to Strimzi's own model ({@code io.strimzi:api}, the release
 * the README names), and {@link StrimziModel} adds what binding alone lets through: a required
 * field left out, a value the model does not know (its enums read those as null). The
 * Prometheus operator's ServiceMonitor and PrometheusRule have no classes here (fabric8's monitoring
 * model is not published for this release): they bind as
 * {@link GenericKubernetesResource} (metadata still strict) and its spec is checked against
 * {@link CustomResourceFields}.
 */
final class StrictManifests {

  /** Built-in kinds, by apiVersion and kind. */
  static final Map<String, Class<? extends HasMetadata>> BUILT_IN = Map.ofEntries(
      Map.entry("v1/Namespace", Namespace.class),
      Map.entry("v1/ConfigMap", ConfigMap.class),
      Map.entry("v1/Secret", Secret.class),
      Map.entry("v1/Service", Service.class),
      Map.entry("v1/ServiceAccount", ServiceAccount.class),
      Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
      Map.entry("apps/v1/StatefulSet", StatefulSet.class),
      Map.entry("apps/v1/Deployment", Deployment.class),
      Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
      Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
      Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
      Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class));

  /** Strimzi's kinds, by apiVersion and kind: the v1 API, the only one Strimzi 1.x serves. */
  static final Map<String, Class<? extends HasMetadata>> STRIMZI = Map.of(
      "kafka.strimzi.io/v1/Kafka", Kafka.class,
      "kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class,
      "kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class,
      "kafka.strimzi.io/v1/KafkaUser", KafkaUser.class);

  /** Custom resources without model classes here, by apiVersion and kind. */
  static final Set<String> CUSTOM = Set.of("monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com/v1/PrometheusRule");

  private static final Map<String, Class<? extends HasMetadata>> MODELS = new HashMap<>(BUILT_IN);

  static {
    MODELS.putAll(STRIMZI);
  }

  private static final JsonMapper STRICT = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .addModule(new SimpleModule("strict-kubernetes-model").setDeserializerModifier(new ValueDeserializerModifier() {
        @Override
        public BeanDeserializerBuilder updateBuilder(
            DeserializationConfig config, BeanDescription.Supplier bean, BeanDeserializerBuilder builder) {
          if (!GenericKubernetesResource.class.isAssignableFrom(bean.getBeanClass())) {
            builder.setAnySetter(null);
            builder.setIgnoreUnknownProperties(false);
          }
          return builder;
        }
      }))
      .build();

  private StrictManifests() {}

  /** Thrown for a manifest that Kubernetes would not take as written. */
  static final class InvalidManifest extends RuntimeException {
    InvalidManifest(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The manifest as a model object; {@code where} names it in the error. */
  static HasMetadata load(Map<String, Object> doc, String where) {
    return load(doc, where, false);
  }

  /** A strategic-merge patch: a partial manifest, so required fields may be left out. */
  static HasMetadata loadPatch(Map<String, Object> doc, String where) {
    return load(doc, where, true);
  }

  private static HasMetadata load(Map<String, Object> doc, String where, boolean partial) {
    String apiVersion = String.valueOf(doc.get("apiVersion"));
    String kind = String.valueOf(doc.get("kind"));
    String type = apiVersion + "/" + kind;
    String name = String.valueOf(Yamls.at(doc, "metadata", "name"));
    String label = where + ": " + type + " " + name;
    Class<? extends HasMetadata> modelClass = MODELS.get(type);
    if (modelClass == null && !CUSTOM.contains(type)) {
      Set<String> allowed = new TreeSet<>(MODELS.keySet());
      allowed.addAll(CUSTOM);
      throw new InvalidManifest(label + ": unknown or disallowed apiVersion/kind; allowed: " + allowed, null);
    }
    if (Yamls.at(doc, "metadata", "name") == null) {
      throw new InvalidManifest(label + ": metadata.name is missing", null);
    }
    HasMetadata resource;
    try {
      Class<? extends HasMetadata> target = modelClass != null ? modelClass : GenericKubernetesResource.class;
      resource = STRICT.convertValue(doc, target);
    } catch (RuntimeException e) {
      throw new InvalidManifest(label + ": " + describe(e), e);
    }
    if (!kind.equals(resource.getKind()) || !apiVersion.equals(resource.getApiVersion())) {
      throw new InvalidManifest(label + ": bound as " + resource.getApiVersion() + "/" + resource.getKind(), null);
    }
    List<String> problems = modelClass == null ? CustomResourceFields.problems(type, doc)
        : STRIMZI.containsKey(type) ? StrimziModel.problems(doc, resource, partial) : List.of();
    if (!problems.isEmpty()) {
      throw new InvalidManifest(label + ": " + String.join("; ", problems), null);
    }
    return resource;
  }

  /** "unknown field `foo` at spec.template.spec.containers[0].foo (Container)", or Jackson's first line. */
  private static String describe(RuntimeException e) {
    Throwable t = e;
    while (!(t instanceof JacksonException) && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (!(t instanceof JacksonException je)) {
      return String.valueOf(e.getMessage());
    }
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference ref : je.getPath()) {
      if (ref.getPropertyName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    if (je instanceof UnrecognizedPropertyException u) {
      return "unknown field `" + u.getPropertyName() + "` at " + path
          + " (" + u.getReferringClass().getSimpleName() + ")";
    }
    String message = String.valueOf(je.getOriginalMessage());
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)) + " at " + path;
  }
}
