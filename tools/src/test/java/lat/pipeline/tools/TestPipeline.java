package lat.pipeline.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import lat.pipeline.config.RegistrySecurity;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.dev.testing.TestServices;
import lat.pipeline.normalizer.NormalizerConfig;
import lat.pipeline.normalizer.NormalizerService;
import lat.pipeline.receiver.ReceiverConfig;
import lat.pipeline.receiver.ReceiverService;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real receiver and normalizer on the shared broker and registry, started once for the whole test
 * run (after {@code SharedKafka} and {@code SharedRegistry} in {@code @ExtendWith}), with tenants
 * that tests take one each so that what one test posts never shows in another's filtered output.
 */
public final class TestPipeline implements BeforeAllCallback {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String TOKEN = "tools-token-0123456789";
  private static final List<String> TENANTS = IntStream.range(0, 12).mapToObj(i -> "t" + i + "-" + RUN).toList();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static ReceiverService receiver;

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(TestPipeline.class, key -> start(), TestServices.class);
  }

  /** A tenant of its own for each caller that passes a different number. */
  public static String tenant(int number) {
    return TENANTS.get(number);
  }

  public static ToolsConfig config() {
    return new ToolsConfig(SharedKafka.broker().clients(), SharedRegistry.registry().baseUrl(), RegistrySecurity.none());
  }

  /** Posts a webhook as a provider does; returns the id the receiver answered. */
  public static String post(String provider, String tenant, byte[] body) {
    try {
      HttpResponse<String> answer = HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/webhooks/" + provider + "/" + tenant))
              .header("Authorization", "Bearer " + TOKEN)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new AssertionError("the receiver answered " + answer.statusCode() + ": " + answer.body());
      }
      return RecordJson.JSON.readTree(answer.body()).get("id").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What a command printed and its exit code. */
  public record Run(int exitCode, String out, String err) {
    /** The JSON lines of the output (lines that start with '{'). */
    public List<JsonNode> records() {
      return out.lines().filter(line -> line.startsWith("{")).map(line -> {
        try {
          return RecordJson.JSON.readTree(line);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).collect(Collectors.toList());
    }
  }

  public static Run run(Command command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      int code = command.run(config(), outStream, errStream);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code attempt} until {@code done} holds (the normalizer works asynchronously), for 60 s at most. */
  public static <T> T await(Supplier<T> attempt, Predicate<T> done, String what) {
    long deadline = System.currentTimeMillis() + 60_000;
    T last = attempt.get();
    while (!done.test(last)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("Not within 60 s: " + what + "; last: " + last);
      }
      last = attempt.get();
    }
    return last;
  }

  private static TestServices start() {
    TestServices services = TestServices.onSharedStack("tools")
        .with("WEBHOOK_TOKENS", TENANTS.stream().map(t -> "*:" + t + "=" + TOKEN).collect(Collectors.joining(",")));
    receiver = services.start(() -> new ReceiverService(ReceiverConfig.fromEnv(services.env())).start());
    services.start(() -> new NormalizerService(NormalizerConfig.fromEnv(services.env()), () -> {}).start());
    return services;
  }
}
