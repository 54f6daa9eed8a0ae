package lat.pipeline.console.data;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the receivers and fetchers say on their {@code /metrics} (Prometheus text format), fetched
 * when a page asks, each within two seconds: a service that does not answer is shown as such. An
 * endpoint {@code dns+http://host:port/path} is every address the host resolves to (a headless
 * Service: one per ready pod), each scraped by its address.
 */
public final class ServiceMetrics {

  /** One sample: a metric's name, its labels and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** One endpoint's answer: its samples, or why there are none. */
  public record Scrape(URI uri, List<Sample> samples, String error) {
    public List<Sample> named(String name) {
      return samples.stream().filter(sample -> sample.name().equals(name)).toList();
    }

    public double sum(String name) {
      return named(name).stream().mapToDouble(Sample::value).sum();
    }

    public double max(String name) {
      return named(name).stream().mapToDouble(Sample::value).max().orElse(0);
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final String DNS_PREFIX = "dns+";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  public List<Scrape> scrape(List<URI> endpoints) {
    return endpoints.stream().flatMap(ServiceMetrics::expand).toList().parallelStream().map(this::scrape).toList();
  }

  /** The endpoint itself, or for {@code dns+scheme://host...} one per address of the host (none resolved: said as such). */
  static Stream<URI> expand(URI endpoint) {
    if (!endpoint.getScheme().startsWith(DNS_PREFIX)) {
      return Stream.of(endpoint);
    }
    String scheme = endpoint.getScheme().substring(DNS_PREFIX.length());
    try {
      return Stream.of(InetAddress.getAllByName(endpoint.getHost())).map(InetAddress::getHostAddress).distinct().sorted()
          .map(address -> URI.create(scheme + "://" + (address.contains(":") ? "[" + address + "]" : address)
              + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort()) + endpoint.getRawPath()));
    } catch (UnknownHostException e) {
      return Stream.of(endpoint);
    }
  }

  private Scrape scrape(URI uri) {
    if (uri.getScheme().startsWith(DNS_PREFIX)) {
      return new Scrape(uri, List.of(), "no address for " + uri.getHost());
    }
    try {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        return new Scrape(uri, List.of(), "answered HTTP " + answer.statusCode());
      }
      return new Scrape(uri, parse(answer.body()), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Scrape(uri, List.of(), "interrupted");
    } catch (Exception e) {
      return new Scrape(uri, List.of(), "no answer (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The Prometheus text exposition format: {@code name{label="value",...} value [timestamp]}. */
  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      Map<String, String> labels = new LinkedHashMap<>();
      String name;
      String rest;
      if (brace >= 0 && (space < 0 || brace < space)) {
        name = line.substring(0, brace);
        int end = readLabels(line, brace + 1, labels);
        rest = line.substring(end + 1).strip();
      } else if (space > 0) {
        name = line.substring(0, space);
        rest = line.substring(space + 1).strip();
      } else {
        continue;
      }
      String value = rest.split("\\s+")[0];
      try {
        samples.add(new Sample(name, labels, Double.parseDouble(value.replace("+Inf", "Infinity"))));
      } catch (NumberFormatException e) {
        // Not a sample line: skipped, the others still count.
      }
    }
    return samples;
  }

  /** Reads {@code a="x",b="y"} from {@code start}; returns the index of the closing brace. */
  private static int readLabels(String line, int start, Map<String, String> labels) {
    int i = start;
    while (i < line.length() && line.charAt(i) != '}') {
      int equals = line.indexOf('=', i);
      String key = line.substring(i, equals).strip();
      StringBuilder value = new StringBuilder();
      int j = equals + 2;
      for (; j < line.length() && line.charAt(j) != '"'; j++) {
        char c = line.charAt(j);
        if (c == '\\' && j + 1 < line.length()) {
          char next = line.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
      }
      labels.put(key, value.toString());
      i = j + 1;
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      }
    }
    return i;
  }
}
