package lat.pipeline.receiver;

import static lat.pipeline.receiver.ReceiverHarness.TENANT;
import static lat.pipeline.receiver.ReceiverHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A receiver stopped under load while the broker hangs: requests in flight are answered, what they
 * were answered 200 for is on disk in the spool, and the next receiver on that spool delivers it.
 */
@ExtendWith(SharedKafka.class)
class ReceiverShutdownTest {

  @Test
  void aGracefulStopWhileTheBrokerHangsKeepsEveryAcceptedWebhook() throws Exception {
    Path spool = Files.createTempDirectory("shutdown-spool");
    Map<String, String> env = Map.of("RECEIVER_SPOOL_DIR", spool.toString(), "RECEIVER_ACK_TIMEOUT_MS", "1000");
    ReceiverHarness first = new ReceiverHarness(SharedKafka.broker().bootstrapServers(), env);
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    AtomicBoolean sending = new AtomicBoolean(true);
    List<Thread> clients = new ArrayList<>();
    URI url = first.url("/webhooks/ninox/" + TENANT + "?token=" + TOKEN);
    for (int c = 0; c < 6; c++) {
      int client = c;
      Thread thread = new Thread(() -> {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        for (int i = 0; sending.get(); i++) {
          try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(15))
                    .POST(HttpRequest.BodyPublishers.ofString("[{\"articuloId\":" + client + ",\"n\":" + i + "}]")).build(),
                HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
              accepted.add(ReceiverHarness.idOf(answer));
            }
          } catch (Exception stopped) {
            return; // the receiver no longer takes connections
          }
        }
      });
      thread.start();
      clients.add(thread);
    }
    awaitAccepted(accepted, 50);
    SharedKafka.broker().freeze();
    try {
      // After the freeze a request is answered 200 only once its ack timed out and it is in the
      // spool; the first 6 more may have been acked just before.
      awaitAccepted(accepted, accepted.size() + 12);
      first.close();
      sending.set(false);
      for (Thread thread : clients) {
        thread.join(20_000);
      }
    } finally {
      SharedKafka.broker().thaw();
    }
    assertThat(accepted).hasSizeGreaterThan(50);

    try (ReceiverHarness second = new ReceiverHarness(SharedKafka.broker().bootstrapServers(), env)) {
      long deadline = System.currentTimeMillis() + 60_000;
      while (!second.readAll(Topics.RAW_NINOX).keySet().containsAll(accepted) && System.currentTimeMillis() < deadline) {
        Thread.sleep(500);
      }
      Set<String> missing = new java.util.HashSet<>(accepted);
      missing.removeAll(second.readAll(Topics.RAW_NINOX).keySet());
      System.out.printf("Shutdown test: %d accepted, %d missing%n", accepted.size(), missing.size());
      assertThat(missing).isEmpty();
    }
  }

  private static void awaitAccepted(Set<String> accepted, int atLeast) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (accepted.size() < atLeast) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("Only " + accepted.size() + " requests answered 200 within 30 s, expected " + atLeast);
      }
      Thread.sleep(50);
    }
  }
}
