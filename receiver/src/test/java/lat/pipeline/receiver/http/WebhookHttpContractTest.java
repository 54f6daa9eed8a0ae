package lat.pipeline.receiver.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lat.pipeline.config.Env;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.receiver.ReceiverConfig;
import lat.pipeline.receiver.auth.FailedAuthLimiter;
import lat.pipeline.receiver.durability.RawEventPublisher;
import lat.pipeline.receiver.durability.Spool;
import lat.pipeline.receiver.health.Readiness;
import lat.pipeline.receiver.health.ReceiverMetrics;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver's HTTP contract (docs/CONTRACT.md) without a broker: the real app, publisher and
 * spool with a {@link MockProducer} behind them. Each case checks the answer and exactly what
 * reached the producer; the round trip through a real raw topic is {@code RawRoundTripContract}'s.
 */
class WebhookHttpContractTest {

  private static final String TENANT = "acme";
  private static final String TOKEN = "contract-token-0123456789";
  private static final int MAX_BODY_BYTES = 4096;
  private static final MediaType JSON = MediaType.get("application/json");
  private static final byte[] BODY = "{\"subject\":\"new-client\",\"message\":{}}".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir
  Path dir;

  private final MockProducer<String, byte[]> producer = mockProducer(true);
  private Spool spool;
  private ReceiverMetrics metrics;

  @AfterEach
  void close() throws InterruptedException {
    if (spool != null) {
      spool.close();
    }
    if (metrics != null) {
      metrics.close();
    }
  }

  @Test
  void eachProviderAnswersAnIdAndSendsTheBodyVerbatimWithTheContractHeaders() {
    JavalinTest.test(app(Map.of()), (server, client) -> {
      Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      for (Topic<String, byte[]> topic : Topics.RAW) {
        String provider = Topics.providerOf(topic);
        byte[] body = Files.readAllBytes(Fixtures.of(provider).get(0));
        String source = "/webhooks/" + provider + "/" + TENANT;
        for (String eventKey : new String[] {null, "venta.created"}) {
          String path = source + (eventKey == null ? "" : "/" + eventKey) + "?token=" + TOKEN + "&extra=1";
          Answer answer = post(client, path, body);
          assertThat(answer.code()).as(path).isEqualTo(200);
          String id = answer.json().path("id").asText();
          assertThat(id).as(path).isNotEmpty();

          ProducerRecord<String, byte[]> record = last(producer.history());
          assertThat(record.topic()).isEqualTo(topic.name());
          assertThat(record.key()).isEqualTo(TENANT);
          assertThat(record.value()).isEqualTo(body);
          assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
          assertThat(header(record, "ce_id")).isEqualTo(id);
          assertThat(header(record, "ce_source")).isEqualTo(source);
          assertThat(header(record, "ce_type")).isEqualTo(eventKey == null ? provider + ".webhook" : eventKey);
          assertThat(Instant.parse(header(record, "ce_time"))).isBetween(before, Instant.now());
          assertThat(header(record, "content-type")).isEqualTo("application/json");
          assertThat(header(record, "tenant")).isEqualTo(TENANT);
          assertThat(header(record, "spooled")).isEqualTo("false");
        }
      }
      assertThat(producer.history()).hasSize(2 * Topics.RAW.size());
      assertThat(spool.depth()).isZero();
    });
  }

  @Test
  void aBodyWithoutContentTypeIsSentAsOctetStream() {
    JavalinTest.test(app(Map.of()), (server, client) -> {
      Answer answer = Answer.of(client.request("/webhooks/ninox/" + TENANT + "?token=" + TOKEN,
          request -> request.post(RequestBody.create(BODY, null))));
      assertThat(answer.code()).isEqualTo(200);
      assertThat(header(last(producer.history()), "content-type")).isEqualTo("application/octet-stream");
    });
  }

  @Test
  void theTokenIsAcceptedInTheQueryABearerHeaderOrTheWebhookTokenHeader() {
    JavalinTest.test(app(Map.of()), (server, client) -> {
      String path = "/webhooks/alegra/" + TENANT;
      assertThat(post(client, path + "?token=" + TOKEN, BODY).code()).isEqualTo(200);
      assertThat(post(client, path, BODY, request -> request.header("Authorization", "Bearer " + TOKEN)).code()).isEqualTo(200);
      assertThat(post(client, path, BODY, request -> request.header("authorization", "bearer " + TOKEN)).code()).isEqualTo(200);
      assertThat(post(client, path, BODY, request -> request.header("X-Webhook-Token", TOKEN)).code()).isEqualTo(200);
      assertThat(producer.history()).hasSize(4);
    });
  }

  @Test
  void aWrongOrMissingCredentialIs401InEveryFormAndSendsNothing() {
    JavalinTest.test(app(Map.of()), (server, client) -> {
      String path = "/webhooks/alegra/" + TENANT;
      // Comparison is of SHA-256 digests: a prefix, an extension or another case of the token is just wrong.
      for (String wrong : List.of("wrong", TOKEN.substring(0, TOKEN.length() - 1), TOKEN + "0", TOKEN.toUpperCase())) {
        assertUnauthorized(post(client, path + "?token=" + wrong, BODY));
        assertUnauthorized(post(client, path, BODY, request -> request.header("Authorization", "Bearer " + wrong)));
        assertUnauthorized(post(client, path, BODY, request -> request.header("X-Webhook-Token", wrong)));
      }
      assertUnauthorized(post(client, path, BODY));
      assertUnauthorized(post(client, path, BODY, request -> request.header("Authorization", "Basic " + TOKEN)));
      assertUnauthorized(post(client, "/webhooks/alegra/other-tenant?token=" + TOKEN, BODY));
      // Credentials are checked before the body: an empty one does not get past them either.
      assertUnauthorized(post(client, path + "?token=wrong", new byte[0]));
      assertThat(producer.history()).isEmpty();
    });
  }

  // Fails on main before this change: Jetty's header cache matched an Authorization value seen before
  // on the connection regardless of case and handed the cached spelling on, so a token in another case
  // (the right one's prefix cached by an earlier guess) was answered 200.
  @Test
  void aTokenInAnotherCaseIsRefusedAlsoAfterAnEarlierGuessOnTheSameConnection() {
    JavalinTest.test(app(Map.of()), (server, client) -> {
      String path = "/webhooks/alegra/" + TENANT;
      String prefix = TOKEN.substring(0, TOKEN.length() - 1);
      assertUnauthorized(post(client, path, BODY, request -> request.header("Authorization", "Bearer " + prefix)));
      assertUnauthorized(post(client, path, BODY, request -> request.header("Authorization", "Bearer " + TOKEN.toUpperCase())));
      assertThat(producer.history()).isEmpty();
    });
  }

  @Test
  void anEmptyBodyIs200StoredFalseAndSendsNothing() {
    JavalinTest.test(app(Map.of()), (server, client) -> {
      Answer answer = post(client, "/webhooks/alegra/" + TENANT + "?token=" + TOKEN, new byte[0]);
      assertThat(answer.code()).isEqualTo(200);
      assertThat(answer.json()).isEqualTo(MAPPER.readTree("{\"stored\":false}"));
      assertThat(producer.history()).isEmpty();
    });
  }

  @Test
  void anUnknownProviderIs404AndSendsNothing() {
    JavalinTest.test(app(Map.of()), (server, client) -> {
      Answer answer = post(client, "/webhooks/shopify/" + TENANT + "?token=" + TOKEN, BODY);
      assertThat(answer.code()).isEqualTo(404);
      assertThat(answer.json().path("error").asText()).isEqualTo("Unknown provider");
      assertThat(producer.history()).isEmpty();
    });
  }

  @Test
  void aBodyOverTheLimitIs413WhetherDeclaredOrChunkedAndTheLimitItselfIsTaken() {
    JavalinTest.test(app(Map.of()), (server, client) -> {
      String path = "/webhooks/ninox/" + TENANT + "?token=" + TOKEN;
      byte[] over = filled(MAX_BODY_BYTES + 1);
      byte[] atLimit = filled(MAX_BODY_BYTES);
      Answer declared = post(client, path, over);
      assertThat(declared.code()).isEqualTo(413);
      assertThat(declared.json().path("error").asText()).contains(Integer.toString(MAX_BODY_BYTES));
      assertThat(chunked(client, path, over).code()).isEqualTo(413);
      assertThat(producer.history()).isEmpty();

      assertThat(post(client, path, atLimit).code()).isEqualTo(200);
      assertThat(chunked(client, path, atLimit).code()).isEqualTo(200);
      assertThat(producer.history()).extracting(ProducerRecord::value).containsExactly(atLimit, atLimit);
    });
  }

  @Test
  void aMalformedTenantOrEventKeyIs400AndSendsNothing() {
    JavalinTest.test(app(Map.of()), (server, client) -> {
      String query = "?token=" + TOKEN;
      for (String path : List.of(
          "/webhooks/alegra/ac%20me",
          "/webhooks/alegra/" + "t".repeat(129),
          "/webhooks/alegra/ac$me",
          "/webhooks/obuma/" + TENANT + "/venta%20created",
          "/webhooks/obuma/" + TENANT + "/venta$created")) {
        Answer answer = post(client, path + query, BODY);
        assertThat(answer.code()).as(path).isEqualTo(400);
        assertThat(answer.json().path("error").asText()).as(path).isNotEmpty();
      }
      assertThat(producer.history()).isEmpty();
    });
  }

  // Fails on main before the failed-login limiter's fix: after the wrong tokens, the right token
  // from the same address (every caller behind an ingress) was answered 429.
  @Test
  void tooManyFailedLoginsAre429ButTheRightTokenFromTheSameAddressIsNeverRefused() {
    Map<String, String> limits = Map.of(
        "RECEIVER_AUTH_FAILURES_PER_MINUTE", "3",
        "RECEIVER_TRUSTED_PROXIES", "127.0.0.1/32");
    JavalinTest.test(app(limits), (server, client) -> {
      String wrong = "/webhooks/alegra/" + TENANT + "?token=guess";
      String right = "/webhooks/alegra/" + TENANT + "?token=" + TOKEN;
      for (int i = 0; i < 3; i++) {
        assertThat(post(client, wrong, BODY, from("203.0.113.5")).code()).isEqualTo(401);
      }
      Answer blocked = post(client, wrong, BODY, from("203.0.113.5"));
      assertThat(blocked.code()).isEqualTo(429);
      assertThat(blocked.headers().get("Retry-After")).isNotBlank();
      assertThat(post(client, right, BODY, from("203.0.113.5")).code()).isEqualTo(200);
      assertThat(post(client, wrong, BODY, from("203.0.113.6")).code()).isEqualTo(401);
      // A spoofed hop left of the real one changes nothing: the rightmost untrusted address counts.
      assertThat(post(client, wrong, BODY, from("203.0.113.99, 203.0.113.5")).code()).isEqualTo(429);
      assertThat(producer.history()).hasSize(1);
    });
  }

  @Test
  void aRecordTheProducerRefusesForGoodIs500AndNothingIsSpooled() {
    MockProducer<String, byte[]> refusing = mockProducer(false);
    JavalinTest.test(app(Map.of(), refusing), (server, client) -> {
      CompletableFuture<Answer> answer =
          CompletableFuture.supplyAsync(() -> post(client, "/webhooks/alegra/" + TENANT + "?token=" + TOKEN, BODY));
      await("the record reaches the producer",
          () -> refusing.errorNext(new RecordTooLargeException("larger than the topic's max.message.bytes")));
      Answer refused = answer.get(10, TimeUnit.SECONDS);
      assertThat(refused.code()).isEqualTo(500);
      assertThat(refused.json().path("error").asText())
          .contains("refuses this record for good").contains("RecordTooLargeException");
      assertThat(spool.depth()).isZero();
      assertThat(spool.quarantine().count()).isZero();
    });
  }

  // Fails on main before this change: the answer's HttpChannel put back the connection's idle timeout
  // after the stop had shortened it, so the stop waited for the full stop timeout (10 s) and threw.
  @Test
  void aRequestInFlightWhenTheStopBeginsIsAnsweredAndTheStopEndsThoughTheClientKeepsItsSocket() throws Exception {
    MockProducer<String, byte[]> awaitingAck = mockProducer(false);
    Javalin app = app(Map.of(), awaitingAck).start(0);
    try (Socket socket = new Socket("127.0.0.1", app.port())) {
      socket.setSoTimeout(10_000);
      send(socket, "/webhooks/alegra/" + TENANT + "?token=" + TOKEN);
      await("the request reaches the producer", () -> awaitingAck.history().size() == 1);
      CompletableFuture<Void> stop = CompletableFuture.runAsync(app::stop);
      await("the stop begins", () -> app.jettyServer().server().getConnectors()[0].isShutdown());
      awaitingAck.completeNext();

      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 200 ").containsIgnoringCase("Connection: close").contains("\"id\"");
      stop.get(5, TimeUnit.SECONDS);
    }
  }

  // Fails on main before this change: the stop took 2 s (the client never closes its end of the
  // connection the receiver half-closed, so the second shutdown idle timeout of 1 s had to end it).
  @Test
  void anIdleKeepAliveConnectionIsClosedPromptlyWhenTheReceiverStops() throws Exception {
    Javalin app = app(Map.of()).start(0);
    try (Socket socket = new Socket("127.0.0.1", app.port())) {
      socket.setSoTimeout(10_000);
      send(socket, "/webhooks/alegra/" + TENANT + "?token=" + TOKEN);
      assertThat(readAnswer(socket.getInputStream())).startsWith("HTTP/1.1 200 ").doesNotContainIgnoringCase("Connection: close");

      long started = System.nanoTime();
      app.stop();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1_500));
      assertThat(socket.getInputStream().read()).as("the receiver closed the connection").isEqualTo(-1);
    }
  }

  private Javalin app(Map<String, String> extraEnv) {
    return app(extraEnv, producer);
  }

  /** The receiver's app as ReceiverService makes it, with the producer given instead of a broker's. */
  private Javalin app(Map<String, String> extraEnv, MockProducer<String, byte[]> mock) {
    Map<String, String> env = new HashMap<>(Map.of(
        "WEBHOOK_TOKENS", "*:" + TENANT + "=" + TOKEN,
        "WEBHOOK_SECRETS_DIR", dir.resolve("no-secrets").toString(),
        "RECEIVER_SPOOL_DIR", dir.resolve("spool").toString(),
        "RECEIVER_MAX_BODY_BYTES", Integer.toString(MAX_BODY_BYTES),
        // Only the refusing producer leaves a send pending: the test answers it well within this.
        "RECEIVER_ACK_TIMEOUT_MS", "10000"));
    env.putAll(extraEnv);
    ReceiverConfig config = ReceiverConfig.fromEnv(new Env(env));
    spool = Spool.open(config.spoolDir(), config.spoolMaxBytes(), config.spoolSegmentBytes(),
        config.spoolQueueMaxBytes(), config.spoolWriteTimeout());
    ReceiverConfig.Limits limits = config.limits();
    FailedAuthLimiter failedAuth = new FailedAuthLimiter(
        limits.authFailuresPerMinute(), limits.authFailuresPerMinuteTotal(), 100, Duration.ofMinutes(1));
    // Never started: no broker to ask, and no case here reads /health/ready.
    Readiness readiness = new Readiness(null, spool, Duration.ofSeconds(1));
    metrics = new ReceiverMetrics();
    return WebhookApp.create(config, new RawEventPublisher(mock, spool, config.ackTimeout()), failedAuth,
        readiness, metrics);
  }

  private static MockProducer<String, byte[]> mockProducer(boolean autoComplete) {
    return new MockProducer<>(autoComplete, null, new StringSerializer(), new ByteArraySerializer());
  }

  /** An answer read whole, so that its connection goes back to the pool. */
  private record Answer(int code, String body, Headers headers) {
    static Answer of(Response response) {
      try (response) {
        return new Answer(response.code(), response.body().string(), response.headers());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    JsonNode json() throws IOException {
      return MAPPER.readTree(body);
    }
  }

  private static Answer post(HttpClient client, String path, byte[] body) {
    return post(client, path, body, request -> {});
  }

  private static Answer post(HttpClient client, String path, byte[] body, Consumer<Request.Builder> headers) {
    return Answer.of(client.request(path, request -> headers.accept(request.post(RequestBody.create(body, JSON)))));
  }

  /** A body of unknown length: sent chunked, so only reading it can find it too large. */
  private static Answer chunked(HttpClient client, String path, byte[] body) {
    return Answer.of(client.request(path, request -> request.post(new RequestBody() {
      @Override
      public MediaType contentType() {
        return JSON;
      }

      @Override
      public long contentLength() {
        return -1;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.write(body);
      }
    })));
  }

  /** A keep-alive POST of {@link #BODY} on a plain socket: nothing closes it but the receiver. */
  private static void send(Socket socket, String path) throws IOException {
    String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
        + BODY.length + "\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(BODY);
    out.flush();
  }

  /** One answer, read to the end of its Content-Length and no further. */
  private static String readAnswer(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      int next = in.read();
      assertThat(next).as("the answer's head is complete").isNotNegative();
      head.append((char) next);
    }
    Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    assertThat(length.find()).as("the answer has a Content-Length: " + head).isTrue();
    return head + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.US_ASCII);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 10 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static Consumer<Request.Builder> from(String forwardedFor) {
    return request -> request.header("X-Forwarded-For", forwardedFor);
  }

  private static void assertUnauthorized(Answer answer) {
    assertThat(answer.code()).isEqualTo(401);
    assertThat(answer.body()).doesNotContain(TOKEN);
  }

  private static byte[] filled(int size) {
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) 'n');
    return body;
  }

  private static ProducerRecord<String, byte[]> last(List<ProducerRecord<String, byte[]>> history) {
    assertThat(history).isNotEmpty();
    return history.get(history.size() - 1);
  }

  private static String header(ProducerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
