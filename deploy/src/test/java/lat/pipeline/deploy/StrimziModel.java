package lat.pipeline.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import java.beans.Introspector;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;

/**
 * What binding a manifest to Strimzi's model lets through, found on the bound resource:
 * <ul>
 *   <li>a field the schema requires but the manifest leaves out ({@code @JsonProperty(required = true)},
 *       and {@code spec}, which the v1 API requires of every kind);</li>
 *   <li>a value the model does not take as written: written back from the model, the manifest's
 *       value is not there (Strimzi's enums read an unknown value such as {@code Wirte} as null);</li>
 *   <li>the {@code strimzi.io/cluster} label, without which the operators ignore a node pool,
 *       topic or user.</li>
 * </ul>
 */
final class StrimziModel {

  private static final String MODEL_PACKAGE = "io.strimzi.api.";

  /** Writes every property, defaults and nulls included, so nothing the manifest set is hidden. */
  private static final JsonMapper WRITE_ALL = JsonMapper.builder()
      .annotationIntrospector(new JacksonAnnotationIntrospector() {
        @Override
        public JsonInclude.Value findPropertyInclusion(MapperConfig<?> config, Annotated a) {
          return JsonInclude.Value.empty();
        }
      })
      .build();

  private StrimziModel() {}

  /** {@code partial}: a patch, which names only what it changes (no required fields, no label). */
  static List<String> problems(Map<String, Object> doc, HasMetadata resource, boolean partial) {
    List<String> problems = new ArrayList<>();
    Object spec = ((CustomResource<?, ?>) resource).getSpec();
    if (spec == null || !(doc.get("spec") instanceof Map)) {
      problems.add("spec is missing");
    } else if (!partial) {
      missingRequired(spec, Yamls.asMap(doc.get("spec"), "spec"), "spec", problems);
    }
    if (!partial && !resource.getKind().equals("Kafka")
        && Yamls.at(doc, "metadata", "labels", "strimzi.io/cluster") == null) {
      problems.add("label strimzi.io/cluster is missing");
    }
    Map<String, Object> written = Yamls.asMap(WRITE_ALL.convertValue(resource, Map.class), "written back");
    notKept(doc, written, "", problems);
    return problems;
  }

  /** Required properties of a model object (and of the model objects under it) that the manifest lacks. */
  private static void missingRequired(Object model, Map<?, ?> doc, String path, List<String> problems) {
    for (Method getter : model.getClass().getMethods()) {
      String name = propertyName(getter);
      if (name == null) {
        continue;
      }
      JsonProperty property = getter.getAnnotation(JsonProperty.class);
      if (property != null && property.required() && !doc.containsKey(name)) {
        problems.add(path + "." + name + " is required");
      }
      Object value = invoke(getter, model);
      Object docValue = doc.get(name);
      if (isModel(value) && docValue instanceof Map<?, ?> child) {
        missingRequired(value, child, path + "." + name, problems);
      } else if (value instanceof List<?> items && docValue instanceof List<?> docItems) {
        for (int i = 0; i < Math.min(items.size(), docItems.size()); i++) {
          if (isModel(items.get(i)) && docItems.get(i) instanceof Map<?, ?> child) {
            missingRequired(items.get(i), child, path + "." + name + "[" + i + "]", problems);
          }
        }
      }
    }
  }

  /** Where a value of the manifest is not what the model writes back. */
  private static void notKept(Object manifest, Object written, String path, List<String> problems) {
    if (manifest instanceof Map<?, ?> map) {
      if (!(written instanceof Map<?, ?> back)) {
        problems.add(path + " is not kept by the model");
        return;
      }
      map.forEach((key, value) -> notKept(value, back.get(key), path.isEmpty() ? String.valueOf(key) : path + "." + key,
          problems));
    } else if (manifest instanceof List<?> list) {
      if (!(written instanceof List<?> back) || back.size() != list.size()) {
        problems.add(path + " is not kept by the model");
        return;
      }
      for (int i = 0; i < list.size(); i++) {
        notKept(list.get(i), back.get(i), path + "[" + i + "]", problems);
      }
    } else if (!sameValue(manifest, written)) {
      problems.add(path + ": `" + manifest + "` is not a value the model takes"
          + (written == null ? "" : " (it reads `" + written + "`)"));
    }
  }

  private static boolean sameValue(Object manifest, Object written) {
    if (manifest instanceof Number a && written instanceof Number b) {
      return a.doubleValue() == b.doubleValue();
    }
    return Objects.equals(manifest, written);
  }

  private static boolean isModel(Object value) {
    return value != null && value.getClass().getName().startsWith(MODEL_PACKAGE);
  }

  /** The JSON name of a bean getter, or null for anything else. */
  private static String propertyName(Method method) {
    if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
        || method.getDeclaringClass() == Object.class) {
      return null;
    }
    String name = method.getName();
    String bean;
    if (name.startsWith("get") && name.length() > 3) {
      bean = name.substring(3);
    } else if (name.startsWith("is") && name.length() > 2 && method.getReturnType() == boolean.class) {
      bean = name.substring(2);
    } else {
      return null;
    }
    JsonProperty property = method.getAnnotation(JsonProperty.class);
    return property != null && !property.value().isEmpty() ? property.value() : Introspector.decapitalize(bean);
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      return null;
    }
  }
}
