package lat.pipeline.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where the pipeline's own containers (images {@code lat-pipeline/...}) get environment
 * variables, in Kubernetes manifests and in a Compose file. Third-party images (Kafka, the
 * registry) are configured by their own variables and are not looked at.
 */
final class EnvironmentUse {

  private static final Pattern OUR_IMAGE = Pattern.compile("(.*/)?lat-pipeline/[a-z0-9-]+([:@].*)?");

  private EnvironmentUse() {}

  /** One variable set somewhere, or a construct that hides variables from the check. */
  record Setting(String where, String name) {}

  static boolean isOurs(Object image) {
    return image != null && OUR_IMAGE.matcher(String.valueOf(image)).matches();
  }

  /** Variables that our containers set but {@code allowed} does not list, with where. */
  static List<String> violations(List<Setting> settings, Set<String> allowed) {
    return settings.stream()
        .filter(s -> !allowed.contains(s.name()))
        .map(s -> s.where() + ": " + s.name())
        .toList();
  }

  static List<Setting> inKubernetes(List<MiniKustomize.Resource> resources) {
    List<Setting> settings = new ArrayList<>();
    for (MiniKustomize.Resource r : resources) {
      Object podSpec = switch (r.kind()) {
        case "Pod" -> r.body().get("spec");
        case "CronJob" -> Yamls.at(r.body(), "spec", "jobTemplate", "spec", "template", "spec");
        default -> Yamls.at(r.body(), "spec", "template", "spec");
      };
      if (!(podSpec instanceof Map<?, ?> spec)) {
        continue;
      }
      for (String list : List.of("initContainers", "containers")) {
        if (!(spec.get(list) instanceof List<?> containers)) {
          continue;
        }
        for (Object c : containers) {
          Map<String, Object> container = Yamls.asMap(c, r.toString());
          if (!isOurs(container.get("image"))) {
            continue;
          }
          String where = r + " container " + container.get("name");
          if (container.get("envFrom") != null) {
            settings.add(new Setting(where, "envFrom (name every variable in `env` so that it can be checked)"));
          }
          if (container.get("env") instanceof List<?> env) {
            for (Object e : env) {
              settings.add(new Setting(where, String.valueOf(Yamls.asMap(e, where).get("name"))));
            }
          }
        }
      }
    }
    return settings;
  }

  static List<Setting> inCompose(Map<String, Object> compose) {
    List<Setting> settings = new ArrayList<>();
    Map<String, Object> services = Yamls.asMap(compose.get("services"), "services");
    services.forEach((name, s) -> {
      Map<String, Object> service = Yamls.asMap(s, "service " + name);
      if (!isOurs(service.get("image"))) {
        return;
      }
      String where = "docker-compose.yml service " + name;
      if (service.get("env_file") != null) {
        settings.add(new Setting(where, "env_file (name every variable in `environment` so that it can be checked)"));
      }
      Object environment = service.get("environment");
      if (environment instanceof Map<?, ?> map) {
        map.keySet().forEach(k -> settings.add(new Setting(where, String.valueOf(k))));
      } else if (environment instanceof List<?> list) {
        list.forEach(item -> settings.add(new Setting(where, String.valueOf(item).split("=", 2)[0])));
      }
    });
    return settings;
  }
}
