package lat.pipeline.fetcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import lat.pipeline.fetcher.client.BsaleClient;
import lat.pipeline.fetcher.client.BsaleRequests;
import lat.pipeline.fetcher.client.BsaleResponse;
import lat.pipeline.fetcher.coalesce.PendingFetch;
import lat.pipeline.fetcher.limits.CompanyLimits;
import lat.pipeline.schemas.Topic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Fetches one resource (and, for a document, every page of its lines) under the company's limits
 * and writes the answer to {@code raw.bsale.resources}; completes once the broker has acknowledged
 * it, or with {@link Outcome.Refused} when Bsale refused the token (nothing written).
 */
final class ResourceFetcher {

  /** How one fetch ended. */
  sealed interface Outcome {
    /** Written and acknowledged. */
    record Written(int status) implements Outcome {}

    /** 401/402/403: the company's token does not work; nothing written. */
    record Refused(int status, String reason) implements Outcome {}
  }

  private final BsaleClient client;
  private final CompanyLimits limits;
  private final Producer<String, byte[]> producer;
  private final Topic<String, byte[]> resources;
  private final FetcherMetrics metrics;
  private final Duration maxWait;

  ResourceFetcher(BsaleClient client, CompanyLimits limits, Producer<String, byte[]> producer,
      Topic<String, byte[]> resources, FetcherMetrics metrics, Duration maxWait) {
    this.client = client;
    this.limits = limits;
    this.producer = producer;
    this.resources = resources;
    this.metrics = metrics;
    this.maxWait = maxWait;
  }

  CompletableFuture<Outcome> fetch(PendingFetch pending, String token) {
    FetchRequest request = pending.latest();
    String company = request.companyId();
    int coalesced = pending.requests().size() - 1;
    String path = BsaleRequests.pathFor(request);
    if (path == null) {
      return write(request, "", 0, null, null, coalesced, "no Bsale v1 endpoint is known for topic " + request.topic());
    }
    Instant deadline = pending.takenAt().plus(maxWait);
    return call(company, deadline, path, token)
        .thenCompose(response -> {
          if (response.credentialsRefused()) {
            return refused(response.status(), response.request());
          }
          if (response.ok() && request.topic().equals("document")) {
            return details(company, deadline, request.resourceId(), token, 0, new ArrayList<>())
                .thenCompose(page -> page.credentialsRefused() ? refused(page.status(), page.request())
                    : page.ok()
                        ? write(request, path, 200, response.body(), page.lines, coalesced, null)
                        : write(request, path, page.status(), response.body(), page.lines, coalesced,
                            "details page " + page.request() + " answered " + page.status()));
          }
          return write(request, path, response.status(), response.body(), null, coalesced, null);
        })
        .exceptionallyCompose(error -> {
          Throwable cause = CompanyLimits.unwrap(error);
          if (cause instanceof CompanyLimits.WaitBoundExceeded) {
            metrics.waitBoundExceeded(company);
          }
          return write(request, path, 0, null, null, coalesced, CompanyLimits.describe(cause));
        });
  }

  /** A details page's answer with the lines gathered so far. */
  private record Page(String request, int status, List<JsonNode> lines) {
    boolean ok() {
      return status == 200;
    }

    boolean credentialsRefused() {
      return status == 401 || status == 402 || status == 403;
    }
  }

  private CompletableFuture<Page> details(String company, Instant deadline, String documentId, String token, int offset,
      List<JsonNode> lines) {
    String path = BsaleRequests.documentDetails(documentId, offset);
    return call(company, deadline, path, token).thenCompose(response -> {
      if (!response.ok()) {
        return CompletableFuture.completedFuture(new Page(path, response.status(), lines));
      }
      JsonNode page = Envelopes.json(response.body());
      JsonNode items = page.path("items");
      items.forEach(lines::add);
      int count = page.path("count").asInt(0);
      boolean more = items.size() > 0 && !page.path("next").isNull() && !page.path("next").isMissingNode()
          || offset + items.size() < count && items.size() > 0;
      return more
          ? details(company, deadline, documentId, token, offset + items.size(), lines)
          : CompletableFuture.completedFuture(new Page(path, 200, lines));
    });
  }

  private CompletableFuture<BsaleResponse> call(String company, Instant deadline, String path, String token) {
    return limits.call(company, deadline, () -> {
      long started = System.nanoTime();
      return client.get(path, token).whenComplete((response, error) ->
          metrics.apiCall(company, response == null ? 0 : response.status(), Duration.ofNanos(System.nanoTime() - started)));
    });
  }

  private static CompletableFuture<Outcome> refused(int status, String request) {
    String reason = switch (status) {
      case 401 -> "401: the access token is not valid";
      case 402 -> "402: the company is blocked";
      default -> "403: the token may not read " + request;
    };
    return CompletableFuture.completedFuture(new Outcome.Refused(status, reason));
  }

  private CompletableFuture<Outcome> write(FetchRequest request, String path, int status, byte[] body,
      List<JsonNode> details, int coalesced, String error) {
    byte[] envelope = Envelopes.envelope(request, path, status, Instant.now(), body, details, coalesced, error);
    RecordHeaders headers = new RecordHeaders();
    for (Header header : request.headers()) {
      if (!header.key().equals("content-type")) {
        headers.add(header.key(), header.value());
      }
    }
    headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
    CompletableFuture<Outcome> written = new CompletableFuture<>();
    producer.send(
        new ProducerRecord<>(resources.name(), null, request.tenant(), envelope, headers),
        (metadata, exception) -> {
          if (exception != null) {
            written.completeExceptionally(exception);
          } else {
            metrics.written(request.companyId(), status);
            written.complete(new Outcome.Written(status));
          }
        });
    return written;
  }
}
