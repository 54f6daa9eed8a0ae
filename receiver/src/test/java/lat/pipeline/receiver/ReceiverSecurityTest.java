package lat.pipeline.receiver;

import static lat.pipeline.receiver.ReceiverHarness.OBUMA_API_KEY;
import static lat.pipeline.receiver.ReceiverHarness.SIGNED_TENANT;
import static lat.pipeline.receiver.ReceiverHarness.TENANT;
import static lat.pipeline.receiver.ReceiverHarness.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.receiver.auth.ObumaSignature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What keeps the public endpoint safe: signatures and their dates, oversized and endless requests. */
@ExtendWith(SharedKafka.class)
class ReceiverSecurityTest {

  private static final byte[] BODY = "{\"subject\":\"new-item\",\"message\":{}}".getBytes(StandardCharsets.UTF_8);
  private static final DateTimeFormatter OBUMA_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static ReceiverHarness receiver;

  @BeforeAll
  static void start() throws InterruptedException {
    receiver = new ReceiverHarness(SharedKafka.broker().bootstrapServers(), Map.of(
        "RECEIVER_AUTH_FAILURES_PER_MINUTE", "3",
        "RECEIVER_TRUSTED_PROXIES", "127.0.0.1/32",
        "RECEIVER_OBUMA_MAX_SKEW_SECONDS", "600",
        "RECEIVER_IDLE_TIMEOUT_MS", "1000",
        "RECEIVER_MAX_HEADER_BYTES", "4096"));
  }

  @AfterAll
  static void stop() {
    receiver.close();
  }

  @Test
  void obumaSignatureMustBeRightPresentAndForARecentEventDate() throws Exception {
    String now = LocalDateTime.now(ZoneId.of("America/Santiago")).format(OBUMA_DATE);
    // Without a zone a date may be in any zone (UTC-12 to UTC+14): only one off by more than that and the skew is stale.
    String stale = LocalDateTime.now(ZoneId.of("America/Santiago")).minusDays(2).format(OBUMA_DATE);
    String staleUtc = java.time.Instant.now().minusSeconds(7_200).toString();
    String path = "/webhooks/obuma/" + SIGNED_TENANT + "?token=" + TOKEN;
    long before = receiver.rawRecordCount();
    String client = "198.51.100.10";

    assertThat(post(path, envelope("evt-1", now), signature("evt-1", now), client)).isEqualTo(200);
    assertThat(receiver.post(path, envelope("evt-2", now).getBytes(StandardCharsets.UTF_8),
        "X-Forwarded-For", "198.51.100.11").statusCode()).as("missing").isEqualTo(401);
    assertThat(post(path, envelope("evt-3", now), signature("evt-1", now), "198.51.100.12")).as("signature of another event").isEqualTo(401);
    assertThat(post(path, envelope("evt-4", stale), signature("evt-4", stale), "198.51.100.13")).as("replayed with a stale date").isEqualTo(401);
    assertThat(post(path, envelope("evt-5", staleUtc), signature("evt-5", staleUtc), "198.51.100.13")).as("stale, with a zone").isEqualTo(401);
    assertThat(receiver.rawRecordCount()).isEqualTo(before + 1);
  }

  // Fails on main before this change: an unreadable eventDate and a date read in another zone were
  // refused (401), and each such refusal counted as a failed login of the address.
  @Test
  void aCorrectlySignedDeliveryWithAnUnreadableOrOtherZoneDateIsAcceptedAndARefusedDateIsNoFailedLogin() throws Exception {
    String path = "/webhooks/obuma/" + SIGNED_TENANT + "?token=" + TOKEN;
    String unreadable = "martes 1 de diciembre, 10:15";
    String utcClockWithoutZone = LocalDateTime.now(java.time.ZoneOffset.UTC).format(OBUMA_DATE);
    String stale = java.time.Instant.now().minusSeconds(7_200).toString();
    String client = "198.51.100.40";
    long before = receiver.rawRecordCount();

    assertThat(post(path, envelope("evt-u", unreadable), signature("evt-u", unreadable), client)).isEqualTo(200);
    assertThat(post(path, envelope("evt-z", utcClockWithoutZone), signature("evt-z", utcClockWithoutZone), client)).isEqualTo(200);
    assertThat(receiver.get("/metrics").body()).containsPattern("webhook_obuma_unreadable_event_date_total 1\\.0");
    for (int i = 0; i < 5; i++) {
      assertThat(post(path, envelope("evt-s" + i, stale), signature("evt-s" + i, stale), client)).isEqualTo(401);
    }
    // Five refused dates, limit 3: none counted, so a wrong signature is still a plain 401, not 429.
    assertThat(post(path, envelope("evt-w", unreadable), signature("evt-other", unreadable), client)).isEqualTo(401);
    assertThat(receiver.rawRecordCount()).isEqualTo(before + 2);
  }

  @Test
  void oversizedHeadersAreRefusedAndTheReceiverStaysUp() throws Exception {
    String huge = "x".repeat(8_000);
    try (Socket socket = new Socket("127.0.0.1", receiver.service.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /webhooks/alegra/" + TENANT + "?token=" + TOKEN + " HTTP/1.1\r\nHost: x\r\nX-Big: " + huge
          + "\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(statusLine(socket.getInputStream())).contains(" 431 ");
    }
    assertThat(receiver.get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void aChunkedBodyThatNeverEndsIsCutOffAndNothingIsStored() throws Exception {
    long before = receiver.rawRecordCount();
    try (Socket socket = new Socket("127.0.0.1", receiver.service.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /webhooks/ninox/" + TENANT + "?token=" + TOKEN + " HTTP/1.1\r\nHost: x\r\n"
          + "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5\r\n[{\"a\"\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // Then silence: the idle timeout (1 s here) must end the request.
      long started = System.nanoTime();
      String answer = statusLine(socket.getInputStream());
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(8_000);
      assertThat(answer).satisfiesAnyOf(line -> assertThat(line).isEmpty(), line -> assertThat(line).containsPattern(" (4\\d\\d|500) "));
    }
    assertThat(receiver.get("/health/ready").statusCode()).isEqualTo(200);
    assertThat(receiver.rawRecordCount()).isEqualTo(before);
  }

  private static int post(String path, String body, String signature, String client) throws Exception {
    return receiver.post(path, body.getBytes(StandardCharsets.UTF_8),
        ObumaSignature.HEADER, signature, "X-Forwarded-For", client).statusCode();
  }

  private static String envelope(String eventId, String eventDate) {
    return "{\"eventId\":\"" + eventId + "\",\"eventType\":\"venta.created\",\"eventDate\":\"" + eventDate
        + "\",\"eventData\":{\"venta_id\":1}}";
  }

  private static String signature(String eventId, String eventDate) {
    return Base64.getEncoder().encodeToString(
        ObumaSignature.sign(OBUMA_API_KEY.getBytes(StandardCharsets.UTF_8), eventDate + eventId));
  }

  /** The first line of the answer, or empty when the server closed the connection without one. */
  private static String statusLine(InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      line.append((char) c);
    }
    return line.toString().trim();
  }
}
