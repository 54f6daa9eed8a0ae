package lat.pipeline.receiver;

import static lat.pipeline.receiver.ReceiverHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The webhook's W3C trace context on its raw record, and the silence watchdog's figures at /ops/traffic. */
@ExtendWith(SharedKafka.class)
class ReceiverTraceAndTrafficTest {

  private static final byte[] BODY = "{\"subject\":\"new-client\",\"message\":{}}".getBytes(StandardCharsets.UTF_8);
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final String W3C_TRACEPARENT = "00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]";
  private static ReceiverHarness receiver;

  @BeforeAll
  static void startReceiver() throws InterruptedException {
    receiver = new ReceiverHarness(SharedKafka.broker().bootstrapServers(),
        Map.of("WEBHOOK_TOKENS", "*:trace-acme=" + TOKEN + ",*:traffic-acme=" + TOKEN));
  }

  @AfterAll
  static void stopReceiver() {
    receiver.close();
  }

  @Test
  void theRequestsTraceparentAndTracestateTravelOnTheRawRecord() throws Exception {
    HttpResponse<String> answer = receiver.post("/webhooks/ninox/trace-acme?token=" + TOKEN, BODY,
        "traceparent", TRACEPARENT, "tracestate", "vendor=opaque");
    assertThat(answer.statusCode()).isEqualTo(200);
    var record = receiver.readAll(Topics.RAW_NINOX).get(ReceiverHarness.idOf(answer));
    assertThat(ReceiverHarness.header(record, CloudEventHeaders.TRACEPARENT)).isEqualTo(TRACEPARENT);
    assertThat(ReceiverHarness.header(record, CloudEventHeaders.TRACESTATE)).isEqualTo("vendor=opaque");
  }

  @Test
  void aRequestWithoutAValidTraceparentGetsANewTraceOfItsOwn() throws Exception {
    HttpResponse<String> without = receiver.post("/webhooks/ninox/trace-acme?token=" + TOKEN, BODY);
    HttpResponse<String> malformed = receiver.post("/webhooks/ninox/trace-acme?token=" + TOKEN, BODY,
        "traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01");
    var records = receiver.readAll(Topics.RAW_NINOX);
    String first = ReceiverHarness.header(records.get(ReceiverHarness.idOf(without)), CloudEventHeaders.TRACEPARENT);
    String second = ReceiverHarness.header(records.get(ReceiverHarness.idOf(malformed)), CloudEventHeaders.TRACEPARENT);
    assertThat(first).matches(W3C_TRACEPARENT);
    assertThat(second).matches(W3C_TRACEPARENT).doesNotContain("00000000000000000000000000000000");
    assertThat(first.substring(3, 35)).isNotEqualTo(second.substring(3, 35));
    assertThat(ReceiverHarness.header(records.get(ReceiverHarness.idOf(without)), CloudEventHeaders.TRACESTATE)).isNull();
  }

  @Test
  void deliveriesAndAlegrasEmptyCheckCountAsTrafficButFailedLoginsDoNot() throws Exception {
    receiver.post("/webhooks/alegra/traffic-acme?token=" + TOKEN, new byte[0]);
    receiver.post("/webhooks/alegra/traffic-acme?token=" + TOKEN, BODY);
    receiver.post("/webhooks/alegra/traffic-acme?token=wrong-token-0123456789", BODY);
    receiver.post("/webhooks/alegra/stranger?token=" + TOKEN, BODY);

    JsonNode traffic = new ObjectMapper().readTree(receiver.get("/ops/traffic").body());
    assertThat(traffic.get("silenceFactor").asDouble()).isEqualTo(10.0);
    assertThat(traffic.get("silenceMinimumSeconds").asLong()).isEqualTo(3600);
    JsonNode acme = null;
    for (JsonNode tenant : traffic.get("tenants")) {
      assertThat(tenant.get("tenant").asText()).isNotEqualTo("stranger");
      if (tenant.get("tenant").asText().equals("traffic-acme")) {
        acme = tenant;
      }
    }
    assertThat(acme).isNotNull();
    assertThat(acme.get("provider").asText()).isEqualTo("alegra");
    assertThat(acme.get("events").asLong()).isEqualTo(2);
    assertThat(acme.get("silent").asBoolean()).isFalse();
    assertThat(acme.get("usualGapSeconds").isNumber()).isTrue();
    assertThat(acme.get("lastEventAt").asText()).endsWith("Z");

    assertThat(receiver.get("/metrics").body())
        .contains("webhook_last_event_timestamp_seconds{provider=\"alegra\",tenant=\"traffic-acme\"}")
        .contains("webhook_usual_gap_seconds{provider=\"alegra\",tenant=\"traffic-acme\"}")
        .contains("webhook_tenant_silent{provider=\"alegra\",tenant=\"traffic-acme\"} 0.0");
  }
}
