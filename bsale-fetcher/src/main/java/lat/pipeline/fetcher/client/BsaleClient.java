package lat.pipeline.fetcher.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The Bsale v1 API over {@link HttpClient#sendAsync}: no thread waits on an answer. The company's
 * token travels in the {@code access_token} header and nowhere else: redirects are not followed
 * (the JDK client would copy the header to wherever they point), a 3xx is an answer like any other.
 */
public final class BsaleClient {

  private final HttpClient http;
  private final URI baseUrl;
  private final Duration requestTimeout;

  public BsaleClient(URI baseUrl, Duration requestTimeout, Executor executor) {
    this.baseUrl = baseUrl;
    this.requestTimeout = requestTimeout;
    this.http = HttpClient.newBuilder()
        .connectTimeout(requestTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor)
        .build();
  }

  /** @param pathAndQuery e.g. {@code /v1/stocks.json?variantid=7079&officeid=1} */
  public CompletableFuture<BsaleResponse> get(String pathAndQuery, String token) {
    HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve(pathAndQuery))
        .timeout(requestTimeout)
        .header("access_token", token)
        .header("Accept", "application/json")
        .GET()
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(response -> new BsaleResponse(pathAndQuery, response.statusCode(), response.body(), retryAfter(response)));
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").flatMap(value -> {
      try {
        return java.util.Optional.of(Duration.ofSeconds(Math.min(300, Long.parseLong(value.trim()))));
      } catch (NumberFormatException e) {
        return java.util.Optional.empty();
      }
    }).orElse(null);
  }
}
