package lat.pipeline.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import lat.pipeline.config.Env;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.normalizer.NormalizerConfig;
import lat.pipeline.normalizer.NormalizerService;
import lat.pipeline.normalizer.dlq.DeadLetters;
import lat.pipeline.receiver.ReceiverConfig;
import lat.pipeline.receiver.ReceiverService;
import lat.pipeline.receiver.durability.EventIds;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/install-browser} installs; skipped where they are missing), over a real receiver,
 * normalizer, broker and registry. Screenshots go to {@code target/screenshots}.
 *
 * <p>One browser session and one stack for the class. What does not depend on each other starts
 * at once ({@link Stack}: the registry beside the browser; then the normalizer beside the console),
 * and the dead-letter test, which needs no normalizer, runs while the normalizer joins its group.
 */
@ExtendWith(ConsoleBrowserTest.Stack.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String OPERATOR_TOKEN = "operator-token-" + RUN;
  private static final String WEBHOOK_TOKEN = "console-webhook-token";
  private static final String TENANT = "shop-" + RUN;
  private static final String DEAD_TENANT = "dead-" + RUN;
  /** Sends four requests at start, then none: silent by the overview test (factor 2, at least 1 s). */
  private static final String QUIET_TENANT = "quiet-" + RUN;
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private static ReceiverService receiver;
  private static NormalizerService normalizer;
  private static ConsoleService console;
  private static CompletableFuture<WebDriver> browserStarting;
  private static WebDriver browser;
  private static String base;

  /**
   * Starts the broker, then the registry (both shared by the JVM's test classes, as their own
   * extensions would) while the browser starts. The broker starts alone: on a busy machine a
   * registry starting beside it can push it past its start-up deadline.
   */
  static final class Stack implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
      start(new SharedKafka(), context);
      if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
        browserStarting = CompletableFuture.supplyAsync(ConsoleBrowserTest::startBrowser);
      }
      start(new SharedRegistry(), context);
    }

    private static void start(BeforeAllCallback shared, ExtensionContext context) {
      try {
        shared.beforeAll(context);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static WebDriver startBrowser() {
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1440,1000");
    return new ChromeDriver(service, options);
  }

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver (.ci/install-browser)");
    Map<String, String> env = new HashMap<>(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers(),
        "SCHEMA_REGISTRY_URL", SharedRegistry.registry().baseUrl(),
        "RECEIVER_HOST", "127.0.0.1",
        "RECEIVER_PORT", "0",
        "WEBHOOK_TOKENS", "*:" + TENANT + "=" + WEBHOOK_TOKEN + ",alegra:" + QUIET_TENANT + "=" + WEBHOOK_TOKEN,
        "WEBHOOK_SECRETS_DIR", "target/no-secrets",
        "TOPIC_PARTITIONS", "2",
        "NORMALIZER_APPLICATION_ID", "normalizer-console-" + RUN,
        "NORMALIZER_STATE_DIR", Files.createTempDirectory("normalizer-console").toString(),
        "NORMALIZER_HEALTH_PORT", "0"));
    env.putAll(Map.of("RECEIVER_SILENCE_FACTOR", "2", "RECEIVER_SILENCE_MIN_SECONDS", "1"));
    receiver = new ReceiverService(ReceiverConfig.fromEnv(new Env(env))).start();
    for (int i = 0; i < 4; i++) {
      // Alegra's subscription check, an empty POST: traffic for the watchdog, nothing for the raw topic.
      assertThat(postWebhook("alegra", QUIET_TENANT, new byte[0]).statusCode()).isEqualTo(200);
    }
    CompletableFuture<NormalizerService> normalizerStarting = CompletableFuture.supplyAsync(() -> {
      try {
        return new NormalizerService(NormalizerConfig.fromEnv(new Env(env)), () -> {}).start();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Map<String, String> consoleEnv = new HashMap<>(env);
    consoleEnv.putAll(Map.of(
        "CONSOLE_PORT", "0",
        "CONSOLE_OPERATOR_TOKEN", OPERATOR_TOKEN,
        "CONSOLE_RECEIVER_METRICS_URLS", "http://127.0.0.1:" + receiver.port() + "/metrics",
        // No fetcher runs here: the overview says it does not answer.
        "CONSOLE_FETCHER_METRICS_URLS", "http://127.0.0.1:9/metrics",
        "CONSOLE_RESOLVED_TOPIC", "console.dlq-resolved-" + RUN));
    console = new ConsoleService(ConsoleConfig.fromEnv(new Env(consoleEnv))).start();
    base = "http://127.0.0.1:" + console.port();
    normalizer = normalizerStarting.join();
    browser = browserStarting.join();
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (console != null) {
      console.close();
    }
    if (normalizer != null) {
      normalizer.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  @Order(1)
  void aWrongOperatorTokenIsRefused() throws Exception {
    browser.get(base + "/dead-letters");
    assertThat(browser.getCurrentUrl()).endsWith("/login");
    browser.findElement(By.id("token")).sendKeys("not-the-operator-token");
    browser.findElement(By.id("sign-in")).click();

    assertThat(browser.findElement(By.id("login-error")).getText()).isEqualTo("Wrong operator token.");
    assertThat(browser.getPageSource()).doesNotContain("not-the-operator-token").doesNotContain("dlq.normalizer");
    screenshot("wrong-token");
    assertThat(post("/login", "token=not-the-operator-token").statusCode()).isEqualTo(401);
    assertThat(post("/dead-letters/redrive", "sel=0/0").statusCode()).isEqualTo(401);
    assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/dead-letters"))
        .header("Authorization", "Bearer wrong-" + OPERATOR_TOKEN).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(401);
  }

  @Test
  @Order(3)
  void aSearchedReceiveIdShowsItsTrailRawBodyBesideTheDecodedRecord() throws Exception {
    signIn();
    byte[] body = Files.readAllBytes(Fixtures.root().resolve("alegra/new-client.json"));
    String id = JsonMapper.builder().build().readTree(postWebhook("alegra", TENANT, body).body()).get("id").asText();

    browser.findElement(By.id("search")).sendKeys(id);
    browser.findElement(By.cssSelector("header form button")).click();
    await(() -> {
      browser.navigate().refresh();
      return browser.findElement(By.id("trail-canonical")).getText().contains("canonical.customers");
    }, "the trail's canonical record");

    assertThat(browser.findElement(By.id("trail-id")).getText()).isEqualTo(id);
    String raw = browser.findElement(By.id("trail-raw")).getText();
    assertThat(raw).contains("raw record raw.alegra/").contains("\"subject\"").contains("new-client");
    String canonical = browser.findElement(By.id("trail-canonical")).getText();
    assertThat(canonical).contains("key alegra:" + TENANT + ":774").contains("\"receiveId\" : \"" + id + "\"");
    screenshot("trail");
  }

  @Test
  @Order(2)
  void aDeadLetterIsReDrivenLeavesTheListAndItsCanonicalRecordAppears() throws Exception {
    signIn();
    String customer = "c" + RUN;
    writeDeadLetter(customer);

    browser.get(base + "/dead-letters?tenant=" + DEAD_TENANT);
    assertThat(browser.findElements(By.cssSelector("tr.dead-letter"))).hasSize(1);
    assertThat(browser.findElement(By.id("dead-letters")).getText()).contains("serialize").contains("the registry did not answer");
    screenshot("dead-letters");
    browser.findElement(By.linkText("open")).click();
    assertThat(browser.findElement(By.id("reason")).getText()).isEqualTo("the registry did not answer");
    assertThat(browser.findElement(By.id("body")).getText()).contains(customer);
    browser.findElement(By.id("redrive")).click();
    browser.findElement(By.id("confirm-redrive")).click();

    assertThat(browser.findElement(By.id("outcomes")).getText()).contains("re-driven: 1 canonical record(s) written");
    screenshot("redrive-outcome");
    browser.get(base + "/dead-letters?tenant=" + DEAD_TENANT);
    assertThat(browser.findElements(By.cssSelector("tr.dead-letter"))).isEmpty();
    browser.get(base + "/search?q=alegra:" + DEAD_TENANT + ":" + customer);
    assertThat(browser.findElement(By.id("hits")).getText()).contains("canonical.customers/").contains("Cliente re-enviado");
    screenshot("redriven-canonical");
  }

  @Test
  @Order(4)
  void aReplayOfAWindowShowsItsProgressAndSummary() throws Exception {
    signIn();
    browser.get(base + "/replay");
    browser.findElement(By.id("filter-tenant")).sendKeys(TENANT);
    browser.findElement(By.id("replay-from")).clear();
    browser.findElement(By.id("replay-from")).sendKeys("earliest");
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("replay-provider"))).selectByVisibleText("alegra");
    browser.findElement(By.id("start-replay")).click();

    await(() -> browser.findElement(By.id("replay-state")).getText().startsWith("done"), "the replay's end");
    // The webhook of the trail test, already normalized: read again, nothing new to write.
    assertThat(browser.findElement(By.id("replay-summary")).getText()).isEqualTo("read 1, emitted 0, unchanged 1, dead-lettered 0");
    assertThat(browser.findElement(By.id("replay-progress")).getText()).contains("Known canonical state").contains("Done: read 1");
    screenshot("replay");
  }

  @Test
  @Order(5)
  void theOverviewShowsTrafficPerTenantSpoolDepthAndAChart() throws Exception {
    signIn();
    browser.get(base + "/");
    await(() -> {
      browser.navigate().refresh();
      return browser.findElement(By.id("traffic")).getText().contains(TENANT);
    }, "the tenant's traffic");
    assertThat(browser.findElement(By.cssSelector("#traffic tr[data-provider='alegra'][data-tenant='" + TENANT + "'] .last-hour"))
        .getText()).isEqualTo("1");
    assertThat(browser.findElement(By.id("receivers")).getText()).contains("/metrics 0 0 0 yes");
    assertThat(browser.findElement(By.id("fetchers")).getText()).contains("no answer");
    assertThat(browser.findElements(By.cssSelector("#traffic-chart polyline"))).isNotEmpty();

    // Fails on main before this change: the overview did not show the receivers' silence watchdog.
    await(() -> {
      browser.navigate().refresh();
      return !browser.findElements(By.id("silent-tenants")).isEmpty();
    }, "the quiet tenant flagged");
    assertThat(browser.findElement(By.id("silent-tenants")).getText()).contains("alegra/" + QUIET_TENANT).doesNotContain(TENANT + ",");
    WebElement quiet = browser.findElement(By.cssSelector("#silence tr.silent[data-provider='alegra'][data-tenant='" + QUIET_TENANT + "']"));
    assertThat(quiet.findElement(By.className("state")).getText()).isEqualTo("silent");
    assertThat(quiet.findElement(By.className("last-event")).getText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ \\(\\d+ (s|min) ago\\)");
    assertThat(quiet.findElement(By.className("usual-gap")).getText()).matches("\\d+ (ms|s)");
    WebElement busy = browser.findElement(By.cssSelector("#silence tr[data-provider='alegra'][data-tenant='" + TENANT + "']"));
    assertThat(busy.getAttribute("class")).doesNotContain("silent");
    assertThat(busy.findElement(By.className("state")).getText()).as("one request: no gap yet").isEqualTo("learning");
    screenshot("overview");
  }

  private static void signIn() {
    browser.get(base + "/");
    if (browser.getCurrentUrl().endsWith("/login")) {
      browser.findElement(By.id("token")).sendKeys(OPERATOR_TOKEN);
      browser.findElement(By.id("sign-in")).click();
      // The click returns before the redirect has loaded the overview: wait for it, not for luck.
      new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.titleContains("Overview"));
    }
    assertThat(browser.getTitle()).startsWith("Overview");
  }

  /** A dead letter as the normalizer writes one while the registry is down: the raw bytes and headers, step and reason. */
  private static void writeDeadLetter(String customer) throws Exception {
    String body = "{\"subject\":\"new-client\",\"message\":{\"client\":{\"id\":\"" + customer + "\",\"name\":\"Cliente re-enviado\"}}}";
    RecordHeaders raw = new RecordHeaders();
    raw.add(CloudEventHeaders.ID, EventIds.next().getBytes(StandardCharsets.UTF_8));
    raw.add(CloudEventHeaders.TENANT, DEAD_TENANT.getBytes(StandardCharsets.UTF_8));
    raw.add(CloudEventHeaders.TIME, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
    ProducerRecord<byte[], byte[]> deadLetter = DeadLetters.record(DEAD_TENANT.getBytes(StandardCharsets.UTF_8),
        body.getBytes(StandardCharsets.UTF_8),
        DeadLetters.headers(raw, "serialize", "the registry did not answer", Topics.RAW_ALEGRA.name(), 0, 1_000_000));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.broker().bootstrapServers(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      producer.send(deadLetter).get();
    }
  }

  private static HttpResponse<String> postWebhook(String provider, String tenant, byte[] body) throws Exception {
    HttpResponse<String> answer = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/webhooks/" + provider + "/" + tenant))
            .header("Authorization", "Bearer " + WEBHOOK_TOKEN).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer;
  }

  private static HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls until done; a page that reloaded itself (a running replay's) under the check counts as not yet. */
  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!holds(done)) {
      if (System.nanoTime() > deadline) {
        screenshot("timeout");
        throw new AssertionError("Not within 60 s: " + what);
      }
      Thread.sleep(100);
    }
  }

  private static boolean holds(BooleanSupplier done) {
    try {
      return done.getAsBoolean();
    } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException reloading) {
      return false;
    } catch (org.openqa.selenium.WebDriverException e) {
      // Chromium's driver reports an element the reload removed between finding and reading it as this "unknown error".
      if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
        return false;
      }
      throw e;
    }
  }

  private static void screenshot(String name) {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    try {
      Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
