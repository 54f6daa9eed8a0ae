package lat.pipeline.receiver;

import static lat.pipeline.receiver.ReceiverHarness.TENANT;
import static lat.pipeline.receiver.ReceiverHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import lat.pipeline.dev.testing.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The receiver against the shared broker: the round trip through the raw topics, readiness and
 * metrics. The HTTP answers on their own are {@code WebhookHttpContractTest}'s, on a MockProducer.
 */
@ExtendWith(SharedKafka.class)
class ReceiverTest extends RawRoundTripContract {

  private static final byte[] BODY = "{\"subject\":\"new-client\",\"message\":{}}".getBytes(StandardCharsets.UTF_8);
  private static ReceiverHarness receiver;

  @BeforeAll
  static void startReceiver() throws InterruptedException {
    receiver = new ReceiverHarness(SharedKafka.broker().bootstrapServers(), Map.of());
  }

  @AfterAll
  static void stopReceiver() {
    receiver.close();
  }

  @Override
  ReceiverHarness receiver() {
    return receiver;
  }

  @Test
  void healthAndMetricsAnswer() throws Exception {
    assertThat(receiver.get("/health/live").statusCode()).isEqualTo(200);
    assertThat(receiver.get("/health/ready").statusCode()).isEqualTo(200);
    receiver.post("/webhooks/bsale/" + TENANT + "?token=" + TOKEN, BODY);
    HttpResponse<String> metrics = receiver.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("webhook_requests_total{outcome=\"stored\",provider=\"bsale\"}")
        .contains("webhook_durable_latency_seconds_bucket")
        .doesNotContain(TOKEN);
  }
}
