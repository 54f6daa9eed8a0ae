package lat.pipeline.receiver;

import static lat.pipeline.receiver.ReceiverHarness.TENANT;
import static lat.pipeline.receiver.ReceiverHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.schemas.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class ReceiverTest extends RawRoundTripContract {

  private static final byte[] BODY = "{\"subject\":\"new-client\",\"message\":{}}".getBytes(StandardCharsets.UTF_8);
  private static ReceiverHarness receiver;

  @BeforeAll
  static void startReceiver() throws InterruptedException {
    receiver = new ReceiverHarness(SharedKafka.broker().bootstrapServers(), Map.of("RECEIVER_MAX_BODY_BYTES", "4096"));
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
  void tokenIsAcceptedInTheQueryABearerHeaderOrTheWebhookTokenHeader() throws Exception {
    String path = "/webhooks/alegra/" + TENANT;
    assertThat(receiver.post(path + "?token=" + TOKEN, BODY).statusCode()).isEqualTo(200);
    assertThat(receiver.post(path, BODY, "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    assertThat(receiver.post(path, BODY, "X-Webhook-Token", TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void wrongOrMissingTokenIs401AndStoresNothing() throws Exception {
    long before = receiver.rawRecordCount();
    assertThat(receiver.post("/webhooks/alegra/" + TENANT + "?token=wrong", BODY).statusCode()).isEqualTo(401);
    assertThat(receiver.post("/webhooks/alegra/" + TENANT, BODY).statusCode()).isEqualTo(401);
    assertThat(receiver.post("/webhooks/alegra/other-tenant?token=" + TOKEN, BODY).statusCode()).isEqualTo(401);
    HttpResponse<String> answer = receiver.post("/webhooks/alegra/" + TENANT, BODY, "Authorization", "Bearer " + TOKEN + "x");
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.body()).doesNotContain(TOKEN);
    assertThat(receiver.rawRecordCount()).isEqualTo(before);
  }

  @Test
  void unknownProviderIs404AndStoresNothing() throws Exception {
    long before = receiver.rawRecordCount();
    assertThat(receiver.post("/webhooks/shopify/" + TENANT + "?token=" + TOKEN, BODY).statusCode()).isEqualTo(404);
    assertThat(receiver.rawRecordCount()).isEqualTo(before);
  }

  @Test
  void bodyOverTheLimitIs413AndStoresNothing() throws Exception {
    long before = receiver.rawRecordCount();
    byte[] large = new byte[4097];
    assertThat(receiver.post("/webhooks/ninox/" + TENANT + "?token=" + TOKEN, large).statusCode()).isEqualTo(413);
    byte[] atLimit = new byte[4096];
    java.util.Arrays.fill(atLimit, (byte) 'x');
    assertThat(receiver.post("/webhooks/ninox/" + TENANT + "?token=" + TOKEN, atLimit).statusCode()).isEqualTo(200);
    assertThat(receiver.rawRecordCount()).isEqualTo(before + 1);
  }

  @Test
  void emptyBodyIs200AndStoresNothing() throws Exception {
    long before = receiver.rawRecordCount();
    HttpResponse<String> answer = receiver.post("/webhooks/alegra/" + TENANT + "?token=" + TOKEN, new byte[0]);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(receiver.rawRecordCount()).isEqualTo(before);
  }

  @Test
  void eventKeyFromTheUrlBecomesTheCloudEventType() throws Exception {
    HttpResponse<String> answer = receiver.post("/webhooks/obuma/" + TENANT + "/venta.created?token=" + TOKEN, BODY);
    assertThat(answer.statusCode()).isEqualTo(200);
    var record = receiver.readAll(Topics.RAW_OBUMA).get(ReceiverHarness.idOf(answer));
    assertThat(ReceiverHarness.header(record, "ce_type")).isEqualTo("venta.created");
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
