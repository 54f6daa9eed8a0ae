package lat.pipeline.receiver;

import static lat.pipeline.receiver.ReceiverHarness.TENANT;
import static lat.pipeline.receiver.ReceiverHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The broker is stopped under the receiver: the spool keeps what it answered 200 for, or it answers 503. */
@ExtendWith(SharedKafka.class)
class ReceiverBrokerDownTest {

  private static final byte[] BODY = "[{\"articuloId\":1}]".getBytes(StandardCharsets.UTF_8);
  private static final String PATH = "/webhooks/ninox/" + TENANT + "?token=" + TOKEN;

  @Test
  void brokerStoppedSpoolsWithin200AndDrainsInOrderOnceTheBrokerIsBack() throws Exception {
    try (ReceiverHarness receiver = new ReceiverHarness(
        SharedKafka.broker().bootstrapServers(), Map.of("RECEIVER_ACK_TIMEOUT_MS", "1000"))) {
      assertThat(receiver.post(PATH, BODY).statusCode()).isEqualTo(200);

      List<String> spooledIds = new ArrayList<>();
      SharedKafka.broker().stop();
      try {
        for (int i = 0; i < 5; i++) {
          long started = System.nanoTime();
          HttpResponse<String> answer = receiver.post(PATH, ("[{\"articuloId\":" + i + "}]").getBytes(StandardCharsets.UTF_8));
          assertThat(answer.statusCode()).isEqualTo(200);
          assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2_500));
          spooledIds.add(ReceiverHarness.idOf(answer));
        }
        assertThat(receiver.get("/health/ready").body()).contains("\"records\":5").contains("\"writable\":true");
      } finally {
        SharedKafka.broker().start();
      }

      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline && !receiver.readAll(Topics.RAW_NINOX).keySet().containsAll(spooledIds)) {
        Thread.sleep(500);
      }
      var stored = receiver.readAllCopies(Topics.RAW_NINOX);
      assertThat(stored.keySet()).containsAll(spooledIds);
      List<Long> spooledOffsets = new ArrayList<>();
      for (int i = 0; i < spooledIds.size(); i++) {
        // The first request's own send may also land late, after it was spooled: the same id twice.
        var spooledCopy = stored.get(spooledIds.get(i)).stream()
            .filter(record -> "true".equals(ReceiverHarness.header(record, "spooled"))).findFirst().orElseThrow();
        assertThat(new String(spooledCopy.value(), StandardCharsets.UTF_8)).isEqualTo("[{\"articuloId\":" + i + "}]");
        spooledOffsets.add(spooledCopy.offset());
      }
      // Drained in the order they were accepted: one tenant, one partition, ascending offsets.
      assertThat(spooledOffsets).isSorted();
    }
  }

  @Test
  void brokerStoppedAndSpoolUnwritableAnswers503WithRetryAfterWithinTheBoundNeverA200() throws Exception {
    // Nothing can be created under /proc, even as root: a spool on a read-only file system.
    try (ReceiverHarness receiver = new ReceiverHarness(SharedKafka.broker().bootstrapServers(),
        Map.of("RECEIVER_ACK_TIMEOUT_MS", "1000", "RECEIVER_SPOOL_DIR", "/proc/pipeline-receiver-spool"))) {
      // A first 200 while the broker is up (on a loaded machine the very first ack may take longer
      // than the 1 s bound, and with no spool that is a 503): the producer is connected.
      long firstDeadline = System.currentTimeMillis() + 30_000;
      int first = receiver.post(PATH, BODY).statusCode();
      while (first != 200 && System.currentTimeMillis() < firstDeadline) {
        first = receiver.post(PATH, BODY).statusCode();
      }
      assertThat(first).isEqualTo(200);
      SharedKafka.broker().stop();
      try {
        for (int i = 0; i < 3; i++) {
          long started = System.nanoTime();
          HttpResponse<String> answer = receiver.post(PATH, BODY);
          assertThat(answer.statusCode()).isEqualTo(503);
          assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
          assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2_500));
        }
        // Neither the broker (once its background check notices) nor the spool can keep webhooks.
        long deadline = System.currentTimeMillis() + 15_000;
        while (receiver.get("/health/ready").statusCode() != 503 && System.currentTimeMillis() < deadline) {
          Thread.sleep(250);
        }
        assertThat(receiver.get("/health/ready").statusCode()).isEqualTo(503);
      } finally {
        SharedKafka.broker().start();
      }
    }
  }

  @Test
  void brokerStoppedAndSpoolFullAnswers503() throws Exception {
    Path spoolDir = Files.createTempDirectory("full-spool");
    try (ReceiverHarness receiver = new ReceiverHarness(SharedKafka.broker().bootstrapServers(), Map.of(
        "RECEIVER_ACK_TIMEOUT_MS", "1000",
        "RECEIVER_SPOOL_DIR", spoolDir.toString(),
        "RECEIVER_SPOOL_MAX_BYTES", "65536"))) {
      byte[] large = new byte[30_000];
      java.util.Arrays.fill(large, (byte) 'x');
      SharedKafka.broker().stop();
      try {
        assertThat(receiver.post(PATH, large).statusCode()).isEqualTo(200);
        assertThat(receiver.post(PATH, large).statusCode()).isEqualTo(200);
        assertThat(receiver.post(PATH, large).statusCode()).isEqualTo(503);
      } finally {
        SharedKafka.broker().start();
      }
    }
  }
}
