package lat.pipeline.receiver;

import static lat.pipeline.receiver.ReceiverHarness.TENANT;
import static lat.pipeline.receiver.ReceiverHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import lat.pipeline.dev.testing.SharedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class ReceiverBrokerDownTest {

  private static final byte[] BODY = "[{\"articuloId\":1}]".getBytes(StandardCharsets.UTF_8);

  @Test
  void brokerStoppedAnswers503WithRetryAfterWithinTheBoundNeverA200() throws Exception {
    try (ReceiverHarness receiver = new ReceiverHarness(
        SharedKafka.broker().bootstrapServers(), Map.of("RECEIVER_ACK_TIMEOUT_MS", "1000"))) {
      String path = "/webhooks/ninox/" + TENANT + "?token=" + TOKEN;
      assertThat(receiver.post(path, BODY).statusCode()).isEqualTo(200);

      SharedKafka.broker().stop();
      try {
        for (int i = 0; i < 3; i++) {
          long started = System.nanoTime();
          HttpResponse<String> answer = receiver.post(path, BODY);
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          assertThat(answer.statusCode()).isEqualTo(503);
          assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
          assertThat(took).isLessThan(Duration.ofMillis(2_500));
        }
      } finally {
        SharedKafka.broker().start();
      }
      // Back to 200 once the broker is back (the producer reconnects by itself).
      long deadline = System.currentTimeMillis() + 30_000;
      int status = 0;
      while (status != 200 && System.currentTimeMillis() < deadline) {
        status = receiver.post(path, BODY).statusCode();
      }
      assertThat(status).isEqualTo(200);
    }
  }
}
