package lat.pipeline.receiver;

import static lat.pipeline.receiver.ReceiverHarness.TENANT;
import static lat.pipeline.receiver.ReceiverHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The edges of making a webhook durable: the largest body, a record refused for good, a broker away at start-up. */
@ExtendWith(SharedKafka.class)
class ReceiverEdgeTest {

  // Fails on main before this change: the 1 MiB body was answered 200, failed in the producer
  // (max.request.size 1 MiB < body + headers), went to the spool and wedged it; neither arrived.
  @Test
  void aBodyAtTheDefaultLimitAndTheRequestAfterItBothReachTheRawTopic() throws Exception {
    try (ReceiverHarness receiver = new ReceiverHarness(SharedKafka.broker().bootstrapServers(), Map.of())) {
      byte[] atLimit = new byte[1_048_576];
      Arrays.fill(atLimit, (byte) 'n');
      String path = "/webhooks/ninox/" + TENANT + "?token=" + TOKEN;
      HttpResponse<String> large = receiver.post(path, atLimit);
      HttpResponse<String> small = receiver.post(path, "[{\"articuloId\":1}]".getBytes(StandardCharsets.UTF_8));
      assertThat(large.statusCode()).isEqualTo(200);
      assertThat(small.statusCode()).isEqualTo(200);
      assertThat(large.body()).doesNotContain("spooled");
      awaitStored(receiver, List.of(ReceiverHarness.idOf(large), ReceiverHarness.idOf(small)));
      assertThat(receiver.readAll(Topics.RAW_NINOX).get(ReceiverHarness.idOf(large)).value()).hasSize(1_048_576);
    }
  }

  // Fails on main before this change: a record the topic refuses was answered 200 and spooled,
  // where it blocked every record behind it.
  @Test
  void aRecordTheBrokerRefusesForGoodIsAnswered500AndNeverEntersTheSpool() throws Exception {
    try (ReceiverHarness receiver = new ReceiverHarness(SharedKafka.broker().bootstrapServers(), Map.of());
        Admin admin = SharedKafka.broker().clients().admin(Map.of())) {
      setMaxMessageBytes(admin, "4096");
      try {
        String path = "/webhooks/alegra/" + TENANT + "?token=" + TOKEN;
        byte[] big = new byte[20_000];
        new java.util.Random(7).nextBytes(big); // incompressible: lz4 must not shrink it under the limit
        HttpResponse<String> refused = receiver.post(path, big);
        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.body()).contains("refuses this record for good").contains("RecordTooLargeException");
        assertThat(receiver.get("/health/ready").body()).contains("\"records\":0");
        HttpResponse<String> small = receiver.post(path, "{\"subject\":\"new-item\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(receiver.get("/metrics").body()).contains("outcome=\"refused\"");
      } finally {
        setMaxMessageBytes(admin, Integer.toString(lat.pipeline.provisioning.TopicSettings.rawRecordBytes(1_048_576)));
      }
    }
  }

  // Fails on main before this change: start() failed after 30 s, as the raw topics could not be listed.
  @Test
  void theReceiverStartsAndSpoolsWhileTheBrokerIsAwayAndSaysTopicsArePending() throws Exception {
    String nowhere = "127.0.0.1:" + Ports.free();
    long started = System.nanoTime();
    try (ReceiverHarness receiver = new ReceiverHarness(nowhere, Map.of("RECEIVER_ACK_TIMEOUT_MS", "500"), false)) {
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
      HttpResponse<String> answer = receiver.post("/webhooks/ninox/" + TENANT + "?token=" + TOKEN,
          "[{\"articuloId\":1}]".getBytes(StandardCharsets.UTF_8));
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(receiver.get("/health/ready").body()).contains("\"topics\":\"pending\"").contains("\"records\":1");
    }
  }

  private static void setMaxMessageBytes(Admin admin, String value) throws Exception {
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.RAW_ALEGRA.name());
    admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
        new ConfigEntry("max.message.bytes", value), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
  }

  private static void awaitStored(ReceiverHarness receiver, List<String> ids) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!receiver.readAll(Topics.RAW_NINOX).keySet().containsAll(ids)) {
      assertThat(System.nanoTime()).as("stored within 30 s").isLessThan(deadline);
      Thread.sleep(200);
    }
  }
}
