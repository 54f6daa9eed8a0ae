package lat.pipeline.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same closed-loop load from {@code wrk} (Debian package {@code wrk}) in its own process, where
 * it is installed: a C load generator on one thread takes far less of the machine than a JVM one,
 * so the figures say more about the server under test.
 */
final class WrkLoad {

  /**
   * Longer than the receiver's ack timeout and spool write timeout together: a request answered
   * from the spool after its ack timed out is counted as answered, not as a socket timeout.
   */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final int connections;

  private WrkLoad(int connections) {
    this.connections = connections;
  }

  static Optional<WrkLoad> ifInstalled(int connections) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, "wrk"))) {
        return Optional.of(new WrkLoad(connections));
      }
    }
    return Optional.empty();
  }

  LoadGenerator.Result run(String name, URI url, byte[] body, Duration duration) throws IOException, InterruptedException {
    Path script = Files.createTempFile("wrk-post", ".lua");
    String escaped = new String(body, StandardCharsets.UTF_8).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    Files.writeString(script, "wrk.method = \"POST\"\nwrk.body = \"" + escaped + "\"\n"
        + "wrk.headers[\"Content-Type\"] = \"application/json\"\n");
    String output = wrk(url, script, duration);
    Files.delete(script);
    long answered = (long) number(output, "(\\d+) requests in");
    long non2xx = (long) numberOr(output, "Non-2xx or 3xx responses: (\\d+)", 0);
    Matcher socketErrors = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(output);
    long unanswered = 0;
    if (socketErrors.find()) {
      for (int group = 1; group <= 4; group++) {
        unanswered += Long.parseLong(socketErrors.group(group));
      }
    }
    long ok = answered - non2xx;
    return new LoadGenerator.Result(name, ok, non2xx + unanswered, duration.toNanos() / 1e9,
        micros(output, "\\s50%\\s+([\\d.]+)(us|ms|s)"), micros(output, "\\s99%\\s+([\\d.]+)(us|ms|s)"),
        micros(output, "Latency\\s+[\\d.]+\\w+\\s+[\\d.]+\\w+\\s+([\\d.]+)(us|ms|s)"), ok);
  }

  private String wrk(URI url, Path script, Duration duration) throws IOException, InterruptedException {
    Process wrk = new ProcessBuilder(List.of("wrk", "-t1", "-c" + connections, "-d" + duration.toSeconds() + "s",
        "--timeout", REQUEST_TIMEOUT.toSeconds() + "s", "--latency", "-s", script.toString(), url.toString())).redirectErrorStream(true).start();
    String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (wrk.waitFor() != 0) {
      throw new IOException("wrk failed: " + output);
    }
    return output;
  }

  private static double number(String output, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(output);
    if (!matcher.find()) {
      throw new IllegalStateException("No '" + regex + "' in wrk's output:\n" + output);
    }
    return Double.parseDouble(matcher.group(1));
  }

  private static double numberOr(String output, String regex, double fallback) {
    Matcher matcher = Pattern.compile(regex).matcher(output);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : fallback;
  }

  private static long micros(String output, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(output);
    if (!matcher.find()) {
      throw new IllegalStateException("No '" + regex + "' in wrk's output:\n" + output);
    }
    double value = Double.parseDouble(matcher.group(1));
    return (long) switch (matcher.group(2)) {
      case "us" -> value;
      case "ms" -> value * 1_000;
      default -> value * 1_000_000;
    };
  }
}
