package lat.pipeline.fetcher.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import lat.pipeline.fetcher.request.FetchRequest;

/** Which v1 endpoint answers a notification (the {@code /v2/...} path it names answers in another envelope). */
public final class BsaleRequests {

  /**
   * A product is asked for with its variants expanded ({@code expand=[variants]}, the brackets
   * percent-encoded as a URI needs them), so its answer lists them and each becomes a variant record.
   */
  public static final String PRODUCT_EXPANSION = "?expand=%5Bvariants%5D";

  /** Bsale's largest page of a list (document lines, a product's variants). */
  public static final int DETAILS_PAGE = 50;

  private BsaleRequests() {}

  /** Null when none does: a topic not known, or a price without its price list. */
  public static String pathFor(FetchRequest request) {
    String id = encode(request.resourceId());
    String scope = request.scope() == null ? null : encode(request.scope());
    return switch (request.topic()) {
      case "product" -> "/v1/products/" + id + ".json" + PRODUCT_EXPANSION;
      case "variant" -> "/v1/variants/" + id + ".json";
      case "price" -> scope == null ? null : "/v1/price_lists/" + scope + "/details.json?variantid=" + id;
      case "stock" -> "/v1/stocks.json?variantid=" + id + (scope == null ? "" : "&officeid=" + scope);
      case "document" -> "/v1/documents/" + id + ".json";
      case "payment" -> "/v1/payments/" + id + ".json";
      default -> null;
    };
  }

  public static String documentDetails(String documentId, int offset) {
    return "/v1/documents/" + encode(documentId) + "/details.json?limit=" + DETAILS_PAGE + "&offset=" + offset;
  }

  /** A page of a product's variants, for those beyond the first page that {@code expand=[variants]} lists. */
  public static String productVariants(String productId, int offset) {
    return "/v1/products/" + encode(productId) + "/variants.json?limit=" + DETAILS_PAGE + "&offset=" + offset;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
