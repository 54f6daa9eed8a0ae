package lat.pipeline.console.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

  @Test
  void aDnsEndpointIsEveryAddressOfItsHostAndAPlainOneItself() {
    assertThat(ServiceMetrics.expand(URI.create("dns+http://127.0.0.1:8080/metrics")))
        .containsExactly(URI.create("http://127.0.0.1:8080/metrics"));
    assertThat(ServiceMetrics.expand(URI.create("http://receiver:8080/metrics")))
        .containsExactly(URI.create("http://receiver:8080/metrics"));
    assertThat(new ServiceMetrics().scrape(List.of(URI.create("dns+http://no-such-host.invalid:8080/metrics"))))
        .singleElement().satisfies(scrape -> assertThat(scrape.error()).isEqualTo("no address for no-such-host.invalid"));
  }

  /** Two receivers, each with its share of a tenant's traffic: silent only when both say so, as the alert's min. */
  @Test
  void aTenantIsSilentOnlyWhenEveryReceiverThatHeardFromItSaysSo() {
    var first = new ServiceMetrics.Scrape(URI.create("http://a/metrics"), ServiceMetrics.parse("""
        webhook_tenant_silent{provider="alegra",tenant="acme"} 1.0
        webhook_last_event_timestamp_seconds{provider="alegra",tenant="acme"} 1000.0
        webhook_usual_gap_seconds{provider="alegra",tenant="acme"} 60.0
        webhook_tenant_silent{provider="ninox",tenant="gone"} 1.0
        webhook_last_event_timestamp_seconds{provider="ninox",tenant="gone"} 500.0
        webhook_usual_gap_seconds{provider="ninox",tenant="gone"} 30.0
        """), null);
    var second = new ServiceMetrics.Scrape(URI.create("http://b/metrics"), ServiceMetrics.parse("""
        webhook_tenant_silent{provider="alegra",tenant="acme"} 0.0
        webhook_last_event_timestamp_seconds{provider="alegra",tenant="acme"} 2000.5
        webhook_usual_gap_seconds{provider="alegra",tenant="acme"} NaN
        webhook_tenant_silent{provider="bsale",tenant="new"} 0.0
        webhook_last_event_timestamp_seconds{provider="bsale",tenant="new"} 3000.0
        webhook_usual_gap_seconds{provider="bsale",tenant="new"} NaN
        """), null);

    assertThat(TenantSilence.of(List.of(first, second))).containsExactly(
        new TenantSilence.Row("ninox", "gone", true, Instant.ofEpochSecond(500), Duration.ofSeconds(30)),
        new TenantSilence.Row("alegra", "acme", false, Instant.ofEpochMilli(2_000_500), Duration.ofSeconds(60)),
        new TenantSilence.Row("bsale", "new", false, Instant.ofEpochSecond(3000), null));
  }
}
