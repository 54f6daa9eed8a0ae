package lat.pipeline.dev.bsale;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the Bsale simulator answers: v1 resources for the ids of {@code fixtures/bsale}
 * (product 952 with variants 7079 and 7080, price list 2, office 1, document 51), in the v1 shapes (relations
 * {@code {href, id}} with string ids, lists {@code {href, count, limit, offset, items, next}}).
 * Tests stub WireMock with the same answers, so golden files, fetcher tests and {@code ./pipeline dev}
 * agree.
 */
public final class BsaleCatalog {

  public static final String HREF_BASE = "https://api.bsale.io";

  /** An HTTP answer of the simulated API. */
  public record Answer(int status, String body) {}

  public static final String PRODUCT_952 = """
      {"href":"%1$s/v1/products/952.json","id":952,"name":"Polera Piqué","description":"Polera de algodón piqué",\
      "classification":0,"ledgerAccount":null,"costCenter":null,"allowDecimal":0,"stockControl":1,\
      "printDetailPack":0,"state":0,"prestashopProductId":0,"presashopAttributeId":0,\
      "product_type":{"href":"%1$s/v1/product_types/5.json","id":"5"},\
      "variants":{"href":"%1$s/v1/products/952/variants.json"},\
      "product_taxes":{"href":"%1$s/v1/products/952/product_taxes.json"}}""".formatted(HREF_BASE);

  public static final String VARIANT_7079 = """
      {"href":"%1$s/v1/variants/7079.json","id":7079,"description":"Talla M Azul","unlimitedStock":0,\
      "allowNegativeStock":0,"state":0,"barCode":"7801234567894","code":"POL-PIQ-M-AZ","serialNumber":0,\
      "product":{"href":"%1$s/v1/products/952.json","id":"952"},\
      "attribute_values":{"href":"%1$s/v1/variants/7079/attribute_values.json"},\
      "costs":{"href":"%1$s/v1/variants/7079/costs.json"}}""".formatted(HREF_BASE);

  public static final String VARIANT_7080 = """
      {"href":"%1$s/v1/variants/7080.json","id":7080,"description":"Talla L Azul","unlimitedStock":0,\
      "allowNegativeStock":0,"state":0,"barCode":"7801234567900","code":"POL-PIQ-L-AZ","serialNumber":0,\
      "product":{"href":"%1$s/v1/products/952.json","id":"952"},\
      "attribute_values":{"href":"%1$s/v1/variants/7080/attribute_values.json"},\
      "costs":{"href":"%1$s/v1/variants/7080/costs.json"}}""".formatted(HREF_BASE);

  /** Product 952 as {@code ?expand=[variants]} answers it: its variants listed in place of their href. */
  public static final String PRODUCT_952_WITH_VARIANTS = PRODUCT_952.replace(
      "{\"href\":\"" + HREF_BASE + "/v1/products/952/variants.json\"}",
      page("/v1/products/952/variants.json", List.of(VARIANT_7079, VARIANT_7080), 25, 0));

  public static final String PRICE_LIST_2_VARIANT_7079 = """
      {"href":"%1$s/v1/price_lists/2/details.json","count":1,"limit":25,"offset":0,"items":[\
      {"href":"%1$s/v1/price_lists/2/details/4321.json","id":4321,"variantValue":8395.0,\
      "variantValueWithTaxes":9990.0,"variant":{"href":"%1$s/v1/variants/7079.json","id":"7079"}}]}""".formatted(HREF_BASE);

  public static final String STOCK_7079_OFFICE_1 = """
      {"href":"%1$s/v1/stocks.json","count":1,"limit":25,"offset":0,"items":[\
      {"href":"%1$s/v1/stocks/555.json","id":555,"quantity":12.0,"quantityReserved":2.0,"quantityAvailable":10.0,\
      "variant":{"href":"%1$s/v1/variants/7079.json","id":"7079"},\
      "office":{"href":"%1$s/v1/offices/1.json","id":"1"}}]}""".formatted(HREF_BASE);

  public static final String DOCUMENT_51 = """
      {"href":"%1$s/v1/documents/51.json","id":51,"emissionDate":1503446400,"expirationDate":1506038400,\
      "generationDate":1503500856,"number":1234,"totalAmount":23800.0,"netAmount":20000.0,"taxAmount":3800.0,\
      "exemptAmount":0.0,"state":0,"informedSii":0,\
      "document_type":{"href":"%1$s/v1/document_types/1.json","id":"1"},\
      "office":{"href":"%1$s/v1/offices/1.json","id":"1"},"user":{"href":"%1$s/v1/users/3.json","id":"3"},\
      "coin":{"href":"%1$s/v1/coins/1.json","id":"1"},"client":{"href":"%1$s/v1/clients/8.json","id":"8"},\
      "details":{"href":"%1$s/v1/documents/51/details.json"}}""".formatted(HREF_BASE);

  /** The document's lines, served in pages. */
  public static final List<String> DOCUMENT_51_LINES = List.of(
      """
      {"href":"%1$s/v1/documents/51/details/1001.json","id":1001,"lineNumber":1,"quantity":2.0,\
      "netUnitValue":8395.0,"totalUnitValue":9990.0,"netAmount":16790.0,"taxAmount":3190.0,"totalAmount":19980.0,\
      "netDiscount":0.0,"totalDiscount":0.0,"note":"","variant":{"href":"%1$s/v1/variants/7079.json","id":"7079"}}"""
          .formatted(HREF_BASE),
      """
      {"href":"%1$s/v1/documents/51/details/1002.json","id":1002,"lineNumber":2,"quantity":1.0,\
      "netUnitValue":3210.0,"totalUnitValue":3820.0,"netAmount":3210.0,"taxAmount":610.0,"totalAmount":3820.0,\
      "netDiscount":0.0,"totalDiscount":0.0,"note":"Despacho","variant":{"href":"%1$s/v1/variants/7080.json","id":"7080"}}"""
          .formatted(HREF_BASE));

  private static final Map<String, String> RESOURCES = Map.of(
      "/v1/products/952.json", PRODUCT_952,
      "/v1/products/952.json?expand=[variants]", PRODUCT_952_WITH_VARIANTS,
      "/v1/variants/7079.json", VARIANT_7079,
      "/v1/variants/7080.json", VARIANT_7080,
      "/v1/price_lists/2/details.json?variantid=7079", PRICE_LIST_2_VARIANT_7079,
      "/v1/stocks.json?variantid=7079&officeid=1", STOCK_7079_OFFICE_1,
      "/v1/documents/51.json", DOCUMENT_51);

  /** The lists served in pages ({@code limit}, {@code offset}). */
  private static final Map<String, List<String>> LISTS = Map.of(
      "/v1/documents/51/details.json", DOCUMENT_51_LINES,
      "/v1/products/952/variants.json", List.of(VARIANT_7079, VARIANT_7080));

  private BsaleCatalog() {}

  /** The answer to {@code GET pathAndQuery} (query parameters in any order); 404 for anything else. */
  public static Answer answer(String pathAndQuery) {
    URI uri = URI.create(pathAndQuery);
    Map<String, String> query = query(uri.getRawQuery());
    List<String> list = LISTS.get(uri.getPath());
    if (list != null) {
      int limit = Integer.parseInt(query.getOrDefault("limit", "25"));
      int offset = Integer.parseInt(query.getOrDefault("offset", "0"));
      return new Answer(200, page(uri.getPath(), list, limit, offset));
    }
    query.remove("limit");
    query.remove("offset");
    String normalized = uri.getPath() + (query.isEmpty() ? "" : "?" + query.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(BsaleCatalog::paramOrder)))
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&")));
    String body = RESOURCES.get(normalized);
    return body == null
        ? new Answer(404, "{\"error\":\"not found\"}")
        : new Answer(200, body);
  }

  /** A v1 list page: {@code {href, count, limit, offset, items, next}}. */
  public static String page(String path, List<String> items, int limit, int offset) {
    int from = Math.min(offset, items.size());
    int to = Math.min(items.size(), from + Math.max(1, limit));
    String next = to < items.size()
        ? "\"" + HREF_BASE + path + "?limit=" + limit + "&offset=" + to + "\""
        : "null";
    return "{\"href\":\"" + HREF_BASE + path + "\",\"count\":" + items.size() + ",\"limit\":" + limit
        + ",\"offset\":" + offset + ",\"items\":[" + String.join(",", items.subList(from, to)) + "],\"next\":" + next + "}";
  }

  private static int paramOrder(String name) {
    return List.of("variantid", "officeid").indexOf(name);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      params.put(eq < 0 ? pair : pair.substring(0, eq),
          eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
    }
    return params;
  }
}
