package lat.pipeline.receiver;

import static lat.pipeline.receiver.ReceiverHarness.TENANT;
import static lat.pipeline.receiver.ReceiverHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lat.pipeline.dev.testing.SharedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A receiver's stop ends promptly with providers' connections open, and completes every step whatever the HTTP part did. */
@ExtendWith(SharedKafka.class)
class ReceiverStopTest {

  private static final List<String> CLOSED_BY_THE_STOP = List.of("spool-writer", "spool-drainer", "kafka-producer-network-thread");
  private static final String PATH = "/webhooks/alegra/" + TENANT + "?token=" + TOKEN;

  // Fails on main before this change: the stalled request's answer put back its connection's idle
  // timeout after the stop had shortened it, the HTTP stop waited out its 10 s stop timeout and
  // threw, and close() skipped the drainer, the producer and the spool: their threads ran on.
  @Test
  void aStopDuringAStalledUploadEndsPromptlyAndClosesTheDrainerProducerAndSpool() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    ReceiverHarness receiver = new ReceiverHarness(SharedKafka.broker().bootstrapServers(), Map.of());
    List<Thread> closedByTheStop = startedSince(before);

    try (Socket socket = new Socket("127.0.0.1", receiver.service.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      // The receiver asks for the body only once the request is being handled: it is in flight now.
      assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 100 ");

      long stopping = System.nanoTime();
      receiver.close();
      assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(5));
    }
    assertThat(closedByTheStop).noneMatch(Thread::isAlive);
  }

  // Fails on main before this change: close() threw the HTTP stop's failure (here its interrupted
  // wait for an open keep-alive connection) and skipped the drainer, the producer and the spool.
  @Test
  void aStopWhoseHttpPartFailsStillClosesTheDrainerProducerAndSpoolAndKeepsTheInterrupt() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    ReceiverHarness receiver = new ReceiverHarness(SharedKafka.broker().bootstrapServers(), Map.of());
    List<Thread> closedByTheStop = startedSince(before);
    // The client keeps this connection open, so the graceful stop has to wait for it.
    assertThat(receiver.post(PATH, "{}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);

    Thread.currentThread().interrupt();
    receiver.close();
    assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    assertThat(closedByTheStop).noneMatch(Thread::isAlive);
  }

  private static List<Thread> startedSince(Set<Thread> before) {
    List<Thread> started = Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> !before.contains(thread))
        .filter(thread -> CLOSED_BY_THE_STOP.stream().anyMatch(thread.getName()::startsWith))
        .toList();
    assertThat(started).hasSize(CLOSED_BY_THE_STOP.size());
    return started;
  }

  private static String readHead(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      int next = in.read();
      assertThat(next).as("the head is complete: " + head).isNotNegative();
      head.append((char) next);
    }
    return head.toString();
  }
}
