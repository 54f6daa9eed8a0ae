package lat.pipeline.fetcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.IntFunction;
import lat.pipeline.fetcher.client.BsaleClient;
import lat.pipeline.fetcher.client.BsaleRequests;
import lat.pipeline.fetcher.client.BsaleResponse;
import lat.pipeline.fetcher.coalesce.PendingFetch;
import lat.pipeline.fetcher.limits.CompanyLimits;
import lat.pipeline.fetcher.request.FetchRequest;
import lat.pipeline.schemas.BsaleResources;
import lat.pipeline.schemas.Topic;
import org.apache.kafka.clients.producer.Producer;

/**
 * Fetches one resource (and, for a document, every page of its lines; for a product, every page of
 * its expanded variants) under the company's limits
 * and writes the answer to {@code raw.bsale.resources}; completes once the broker has acknowledged
 * it, or with {@link Outcome.Unavailable} when Bsale refused the token or did not answer within the
 * retries and the wait bound (nothing written: the company is parked, not dead-lettered).
 */
final class ResourceFetcher {

  /** How one fetch ended. */
  sealed interface Outcome {
    /** Written and acknowledged. */
    record Written(int status) implements Outcome {}

    /** 401/402/403, or 429/5xx/no answer after the retries or at the wait bound: nothing written. */
    record Unavailable(String reason) implements Outcome {}
  }

  private static final String VARIANTS = "variants";
  private static final String ITEMS = "items";
  private static final String COUNT = "count";

  /** What Bsale answered, to be written. */
  private record Fetched(int status, byte[] body, List<JsonNode> details, String error) {}

  /** Bsale cannot answer for the company now: the fetch waits, parked, instead of being written. */
  private static final class CompanyUnavailable extends RuntimeException {
    CompanyUnavailable(String reason) {
      super(reason, null, false, false);
    }
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

  /** Completes exceptionally only when the answer could not be written. */
  CompletableFuture<Outcome> fetch(PendingFetch pending, String token) {
    FetchRequest request = pending.latest();
    String company = request.companyId();
    List<String> actions = pending.requests().stream().map(r -> r.notification().path("action").asText()).toList();
    String path = BsaleRequests.pathFor(request);
    if (path == null) {
      return write(request, "", 0, null, null, actions, "no Bsale v1 endpoint is known for topic " + request.topic());
    }
    Instant deadline = pending.waitingSince().plus(maxWait);
    return fetched(request, path, deadline, token)
        .handle((fetched, error) -> error == null
            ? write(request, path, fetched.status(), fetched.body(), fetched.details(), actions, fetched.error())
            : CompletableFuture.<Outcome>completedFuture(unavailable(company, error)))
        .thenCompose(Function.identity());
  }

  private CompletableFuture<Fetched> fetched(FetchRequest request, String path, Instant deadline, String token) {
    String company = request.companyId();
    return call(company, deadline, path, token).thenCompose(response -> {
      requireAvailable(response.status(), response.request());
      if (response.ok() && request.topic().equals("document")) {
        return pages(company, deadline, token, offset -> BsaleRequests.documentDetails(request.resourceId(), offset), 0,
            new ArrayList<>()).thenApply(page -> completed(response, page, page.lines(), "details"));
      }
      if (response.ok() && request.topic().equals("product")) {
        ObjectNode product = BsaleResources.answer(response.body()) instanceof ObjectNode object ? object : null;
        JsonNode variants = product == null ? null : product.path(VARIANTS);
        if (variants != null && variants.path(ITEMS).isArray()
            && variants.path(ITEMS).size() > 0 && variants.path(ITEMS).size() < variants.path(COUNT).asInt(0)) {
          List<JsonNode> all = new ArrayList<>();
          variants.path(ITEMS).forEach(all::add);
          return pages(company, deadline, token, offset -> BsaleRequests.productVariants(request.resourceId(), offset),
              all.size(), all).thenApply(page -> completed(response, page, null, "variants"))
              .thenApply(fetched -> fetched.status() == 200 ? withAllVariants(fetched, product, all) : fetched);
        }
      }
      return CompletableFuture.completedFuture(new Fetched(response.status(), response.body(), null, null));
    });
  }

  /** The answer once every page was read: the last page's status if one failed, with the reason. */
  private static Fetched completed(BsaleResponse response, Page page, List<JsonNode> details, String what) {
    requireAvailable(page.status(), page.request());
    return page.ok()
        ? new Fetched(200, response.body(), details, null)
        : new Fetched(page.status(), response.body(), details, what + " page " + page.request() + " answered " + page.status());
  }

  /**
   * The product with every page of its expanded variants in {@code variants.items}, as if one page
   * had held them all ({@code offset} 0, {@code limit} the number read, no {@code next}); a variant
   * listed twice (the list moved while it was read) is kept once.
   */
  private static Fetched withAllVariants(Fetched fetched, ObjectNode product, List<JsonNode> all) {
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    all.forEach(variant -> byId.putIfAbsent(variant.path("id").asText(), variant));
    ObjectNode variants = (ObjectNode) product.get(VARIANTS);
    variants.put("limit", byId.size());
    variants.put("offset", 0);
    variants.set(ITEMS, variants.arrayNode().addAll(byId.values()));
    variants.putNull("next");
    return new Fetched(fetched.status(), BsaleResources.bytes(product), null, null);
  }
  /** Throws {@link CompanyUnavailable} for an answer that says nothing about the resource. */
  private static void requireAvailable(int status, String request) {
    String reason = switch (status) {
      case 401 -> "401: the access token is not valid";
      case 402 -> "402: the company is blocked";
      case 403 -> "403: the token may not read " + request;
      default -> BsaleResponse.retryable(status) ? status + " to " + request + " after the retries" : null;
    };
    if (reason != null) {
      throw new CompanyUnavailable(reason);
    }
  }

  private Outcome.Unavailable unavailable(String company, Throwable error) {
    Throwable cause = CompanyLimits.unwrap(error);
    if (cause instanceof CompanyLimits.WaitBoundExceeded) {
      metrics.waitBoundExceeded(company);
    }
    return new Outcome.Unavailable(cause instanceof CompanyUnavailable ? cause.getMessage() : CompanyLimits.describe(cause));
  }

  /** A list page's answer with the items gathered so far. */
  private record Page(String request, int status, List<JsonNode> lines) {
    boolean ok() {
      return status == 200;
    }
  }

  /**
   * Reads a v1 list ({@code {href, count, limit, offset, items, next}}) from {@code offset} on, one
   * page after the other, each call under the company's limits, until a page is empty or the count
   * is reached. The pages are asked for by their path on the configured API, never by the
   * {@code next} URL the answer names, so the token goes nowhere else.
   */
  private CompletableFuture<Page> pages(String company, Instant deadline, String token, IntFunction<String> pathAt,
      int offset, List<JsonNode> items) {
    String path = pathAt.apply(offset);
    return call(company, deadline, path, token).thenCompose(response -> {
      if (!response.ok()) {
        return CompletableFuture.completedFuture(new Page(path, response.status(), items));
      }
      JsonNode page = BsaleResources.answer(response.body());
      JsonNode pageItems = page.path(ITEMS);
      pageItems.forEach(items::add);
      int count = page.path(COUNT).asInt(0);
      boolean more = pageItems.size() > 0 && !page.path("next").isNull() && !page.path("next").isMissingNode()
          || offset + pageItems.size() < count && pageItems.size() > 0;
      return more
          ? pages(company, deadline, token, pathAt, offset + pageItems.size(), items)
          : CompletableFuture.completedFuture(new Page(path, 200, items));
    });
  }

  private CompletableFuture<BsaleResponse> call(String company, Instant deadline, String path, String token) {
    return limits.call(company, deadline, () -> {
      long started = System.nanoTime();
      return client.get(path, token).whenComplete((response, error) ->
          metrics.apiCall(company, response == null ? 0 : response.status(), Duration.ofNanos(System.nanoTime() - started)));
    });
  }

  private CompletableFuture<Outcome> write(FetchRequest request, String path, int status, byte[] body,
      List<JsonNode> details, List<String> actions, String error) {
    BsaleResources.Envelope envelope = BsaleResources.Envelope.of(request.notification(), path, status, Instant.now(),
        BsaleResources.answer(body), details, actions, error);
    CompletableFuture<Outcome> written = new CompletableFuture<>();
    producer.send(
        BsaleResources.record(resources, request.tenant(), request.headers(), envelope),
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
