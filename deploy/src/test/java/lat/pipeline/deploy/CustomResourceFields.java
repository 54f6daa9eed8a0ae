package lat.pipeline.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of the Prometheus operator's ServiceMonitor and PrometheusRule (v0.93) that k8s/ may use, enough to
 * catch a misspelt or misplaced field; Strimzi's resources bind to Strimzi's own model instead
 * ({@link StrimziModel}). Paths are dotted; {@code []} stands for every item of a list. Values under a
 * path that is not listed (e.g. relabelings) are not checked.
 */
final class CustomResourceFields {

  private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");

  private static final Map<String, Map<String, Set<String>>> FIELDS = Map.of(
      "monitoring.coreos.com/v1/ServiceMonitor", Map.of(
          "spec", Set.of("selector", "endpoints", "namespaceSelector", "jobLabel", "targetLabels", "podTargetLabels",
              "sampleLimit", "targetLimit", "labelLimit", "attachMetadata", "scrapeProtocols"),
          "spec.selector", Set.of("matchLabels", "matchExpressions"),
          "spec.endpoints[]", Set.of("port", "targetPort", "path", "scheme", "params", "interval", "scrapeTimeout",
              "honorLabels", "honorTimestamps", "relabelings", "metricRelabelings", "tlsConfig", "authorization",
              "basicAuth", "bearerTokenSecret", "followRedirects", "enableHttp2", "filterRunning")),
      "monitoring.coreos.com/v1/PrometheusRule", Map.of(
          "spec", Set.of("groups"),
          "spec.groups[]", Set.of("name", "labels", "interval", "query_offset", "limit", "partial_response_strategy", "rules"),
          "spec.groups[].rules[]", Set.of("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations")));

  private CustomResourceFields() {}

  static List<String> problems(String type, Map<String, Object> doc) {
    List<String> problems = new ArrayList<>();
    for (String key : doc.keySet()) {
      if (!TOP.contains(key)) {
        problems.add("unknown field `" + key + "`");
      }
    }
    if (!(doc.get("spec") instanceof Map)) {
      problems.add("spec is missing");
      return problems;
    }
    FIELDS.getOrDefault(type, Map.of()).forEach((path, allowed) -> check(doc, path, allowed, problems));
    return problems;
  }

  private static void check(Map<String, Object> doc, String path, Set<String> allowed, List<String> problems) {
    for (Map.Entry<String, Object> node : nodes(doc, path)) {
      if (node.getValue() instanceof Map<?, ?> map) {
        for (Object key : map.keySet()) {
          if (!allowed.contains(String.valueOf(key))) {
            problems.add("unknown field `" + key + "` at " + node.getKey() + "." + key);
          }
        }
      } else if (node.getValue() != null) {
        problems.add(node.getKey() + " must be a mapping");
      }
    }
  }

  /** The values at a path, with their concrete paths (list items numbered). */
  private static List<Map.Entry<String, Object>> nodes(Map<String, Object> doc, String path) {
    List<Map.Entry<String, Object>> current = List.of(Map.entry("", doc));
    for (String segment : path.split("\\.")) {
      boolean each = segment.endsWith("[]");
      String key = each ? segment.substring(0, segment.length() - 2) : segment;
      List<Map.Entry<String, Object>> next = new ArrayList<>();
      for (Map.Entry<String, Object> node : current) {
        if (!(node.getValue() instanceof Map<?, ?> map) || map.get(key) == null) {
          continue;
        }
        String p = node.getKey().isEmpty() ? key : node.getKey() + "." + key;
        Object value = map.get(key);
        if (each && value instanceof List<?> list) {
          for (int i = 0; i < list.size(); i++) {
            if (list.get(i) != null) {
              next.add(Map.entry(p + "[" + i + "]", list.get(i)));
            }
          }
        } else if (!each) {
          next.add(Map.entry(p, value));
        }
      }
      current = next;
    }
    return current;
  }
}
