package lat.pipeline.console.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

  @Test
  void prometheusTextIsReadSampleBySampleWithItsLabels() {
    String text = """
        # HELP receiver_spool_records Records in the local spool waiting for the broker
        # TYPE receiver_spool_records gauge
        receiver_spool_records 3.0
        webhook_requests_total{outcome="stored",provider="alegra"} 12.0
        bsale_fetcher_parked_waiting{company="2"} 4.0 1733094000000
        label_with_quotes{reason="a \\"quoted\\" word, and a comma"} 1
        not a sample
        """;

    var samples = ServiceMetrics.parse(text);

    assertThat(samples).containsExactly(
        new ServiceMetrics.Sample("receiver_spool_records", Map.of(), 3),
        new ServiceMetrics.Sample("webhook_requests_total", Map.of("outcome", "stored", "provider", "alegra"), 12),
        new ServiceMetrics.Sample("bsale_fetcher_parked_waiting", Map.of("company", "2"), 4),
        new ServiceMetrics.Sample("label_with_quotes", Map.of("reason", "a \"quoted\" word, and a comma"), 1));
  }
}
