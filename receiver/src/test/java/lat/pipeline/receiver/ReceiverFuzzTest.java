package lat.pipeline.receiver;

import static lat.pipeline.receiver.ReceiverHarness.TENANT;
import static lat.pipeline.receiver.ReceiverHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.schemas.Topics;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomDistribution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Random paths, headers and bodies, sent as raw bytes: each gets a clean 4xx or is stored byte for
 * byte, and the receiver answers its health check throughout.
 */
@ExtendWith(SharedKafka.class)
class ReceiverFuzzTest {

  private static ReceiverHarness receiver;

  @BeforeAll
  static void start() throws InterruptedException {
    receiver = new ReceiverHarness(SharedKafka.broker().bootstrapServers(), Map.of(
        "RECEIVER_MAX_BODY_BYTES", "16384",
        // Fuzzing sends many wrong tokens from one address; the limiter is tested elsewhere.
        "RECEIVER_AUTH_FAILURES_PER_MINUTE", "1000000"));
  }

  @AfterAll
  static void stop() {
    receiver.close();
  }

  @Test
  void randomRequestsGetACleanAnswerAndWhatIsAcceptedIsStoredVerbatim() throws Exception {
    Random random = new Random(20261125);
    List<String> paths = paths().sampleStream().limit(300).toList();
    List<byte[]> bodies = Arbitraries.bytes().array(byte[].class)
        .ofMaxSize(20_000).withSizeDistribution(RandomDistribution.biased()).sampleStream().limit(300).toList();
    Map<String, byte[]> stored = new HashMap<>();
    Map<Integer, Integer> statuses = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      byte[] body = bodies.get(i);
      String extraHeader = random.nextBoolean() ? "X-Fuzz: " + junk(random, random.nextInt(200)) + "\r\n" : "";
      byte[] request = concat(
          ("POST " + paths.get(i) + " HTTP/1.1\r\nHost: fuzz\r\nContent-Type: application/json\r\n").getBytes(StandardCharsets.ISO_8859_1),
          extraHeader.getBytes(StandardCharsets.ISO_8859_1),
          ("Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
          body);
      String answer = exchange(request);
      int status = Integer.parseInt(answer.substring(9, 12));
      statuses.merge(status, 1, Integer::sum);
      assertThat(status).as("answer to %s", paths.get(i)).isIn(200, 400, 401, 404, 405, 413, 414, 431);
      if (status == 200 && answer.contains("\"id\":\"")) {
        stored.put(answer.replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1"), body);
      }
      if (i % 50 == 0) {
        assertThat(receiver.get("/health/live").statusCode()).isEqualTo(200);
      }
    }
    System.out.println("Fuzz answers by status: " + statuses);
    assertThat(stored).isNotEmpty();
    var raw = receiver.readAll(Topics.RAW_ALEGRA);
    stored.forEach((id, body) -> assertThat(raw.get(id).value()).isEqualTo(body));
    assertThat(receiver.get("/health/ready").statusCode()).isEqualTo(200);
  }

  /** Mostly well-formed webhook URLs with a valid token, and a share of broken ones. */
  private static Arbitrary<String> paths() {
    Arbitrary<String> segment = Arbitraries.strings().withChars("abcXYZ019._~:-%/?&=#é\u0001 ").ofMinLength(0).ofMaxLength(20)
        .map(ReceiverFuzzTest::latin1);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.just("/webhooks/alegra/" + TENANT + "?token=" + TOKEN)),
        net.jqwik.api.Tuple.of(3, segment.map(s -> "/webhooks/alegra/" + TENANT + "?token=" + s)),
        net.jqwik.api.Tuple.of(3, segment.map(s -> "/webhooks/" + s + "/" + TENANT + "?token=" + TOKEN)),
        net.jqwik.api.Tuple.of(3, segment.map(s -> "/webhooks/alegra/" + s + "?token=" + TOKEN)),
        net.jqwik.api.Tuple.of(2, segment.map(s -> "/webhooks/alegra/" + TENANT + "/" + s + "?token=" + TOKEN)),
        net.jqwik.api.Tuple.of(1, segment.map(s -> "/" + s)));
  }

  /** Keeps a request line on one line: what a client can put on the wire, however odd. */
  private static String latin1(String text) {
    return text.replace(" ", "%20").replace("#", "%23").replace("\u0001", "%01").replace("é", "%C3");
  }

  private static String junk(Random random, int length) {
    StringBuilder value = new StringBuilder();
    for (int i = 0; i < length; i++) {
      char c = (char) (0x20 + random.nextInt(0xdf)); // printable ASCII and invalid UTF-8 bytes
      value.append(c == 0x7f ? 'x' : c);
    }
    return value.toString();
  }

  private static String exchange(byte[] request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", receiver.service.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
