package lat.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lat.pipeline.dev.testing.PromQl;
import org.junit.jupiter.api.Test;

/**
 * k8s/monitoring as manifests: the alert rules and the dashboard load strictly and each reads a
 * metric, and every layer carries them. That the running services export those metrics is the
 * end-to-end module's MonitoringTest.
 */
class MonitoringManifestsTest {

  private static final Path MONITORING = KubernetesManifestsTest.K8S.resolve("monitoring");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theAlertRulesBindStrictlyAndEachHasAnExpressionADurationASummaryAndARunbook() {
    GenericKubernetesResource rule = (GenericKubernetesResource) StrictManifests.load(
        Yamls.mapping(MONITORING.resolve("alerts.yaml")), "k8s/monitoring/alerts.yaml");
    List<Map<String, Object>> rules = rules(rule);
    assertThat(rules).extracting(r -> r.get("alert")).containsExactlyInAnyOrder(
        "ReceiverSpoolNotDraining", "NormalizerDeadLettersGrowing", "FetcherDeadLettersGrowing", "NormalizerLagGrowing",
        "FetcherLagGrowing", "BsaleCompanyParked", "WebhookTenantSilent");
    for (Map<String, Object> r : rules) {
      assertThat(r).as("%s", r.get("alert")).containsKeys("expr", "for");
      assertThat(PromQl.metricNames(String.valueOf(r.get("expr")))).as("%s reads a metric", r.get("alert")).isNotEmpty();
      Map<String, Object> annotations = Yamls.asMap(r.get("annotations"), String.valueOf(r.get("alert")));
      assertThat(annotations).containsKeys("summary", "runbook");
      assertThat(String.valueOf(annotations.get("runbook"))).contains("README, Alerts and what to do: " + r.get("alert"));
    }
  }

  @Test
  void theDashboardIsAConfigMapForGrafanasSidecarWhosePanelsEachQueryAMetric() throws IOException {
    ConfigMap map = (ConfigMap) StrictManifests.load(Yamls.mapping(MONITORING.resolve("dashboard.yaml")), "k8s/monitoring/dashboard.yaml");
    assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    JsonNode dashboard = JSON.readTree(map.getData().get("lat-pipeline.json"));
    assertThat(dashboard.path("uid").asText()).isNotBlank();
    List<String> titles = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      titles.add(panel.path("title").asText());
      assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
      for (JsonNode target : panel.path("targets")) {
        assertThat(PromQl.metricNames(target.path("expr").asText())).as(panel.path("title").asText()).isNotEmpty();
      }
    }
    assertThat(String.join("|", titles).toLowerCase())
        .contains("ingest rate", "latency", "spool depth", "spool age", "dead letters", "lag", "parked", "silent");
  }

  @Test
  void theBaseAndEveryOverlayCarryTheDashboardAndTheRules() {
    for (String layer : KubernetesManifestsTest.LAYERS) {
      assertThat(MiniKustomize.render(KubernetesManifestsTest.K8S.resolve(layer)))
          .as(layer).extracting(MiniKustomize.Resource::kind, MiniKustomize.Resource::name)
          .contains(org.assertj.core.groups.Tuple.tuple("ConfigMap", "lat-pipeline-dashboard"),
              org.assertj.core.groups.Tuple.tuple("PrometheusRule", "lat-pipeline"));
    }
  }

  // --- helpers ---

  private static List<Map<String, Object>> rules(GenericKubernetesResource rule) {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Object group : Yamls.asList(rule.get("spec", "groups"), "groups")) {
      for (Object r : Yamls.asList(Yamls.asMap(group, "group").get("rules"), "rules")) {
        rules.add(Yamls.asMap(r, "rule"));
      }
    }
    return rules;
  }
}
