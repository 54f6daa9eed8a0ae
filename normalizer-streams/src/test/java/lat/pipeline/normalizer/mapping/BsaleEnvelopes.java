package lat.pipeline.normalizer.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import lat.pipeline.dev.bsale.BsaleCatalog;

/**
 * Bsale inputs of the golden tests: the mapper reads {@code raw.bsale.resources} envelopes, so a
 * notification fixture is wrapped the way the fetcher wraps it, with the Bsale simulator's answer
 * (the same data WireMock serves in the fetcher's tests). A sample that already is an envelope
 * (it has a {@code notification} field: a 404, several stock rows) is used as it is.
 */
public final class BsaleEnvelopes {

  public static final String FETCHED_AT = "2025-03-04T13:14:16.001Z";
  private static final ObjectMapper JSON = new ObjectMapper();

  private BsaleEnvelopes() {}

  public static byte[] envelope(byte[] notificationOrEnvelope) {
    try {
      JsonNode node = JSON.readTree(notificationOrEnvelope);
      if (node.has("notification")) {
        return notificationOrEnvelope;
      }
      String request = request(node);
      BsaleCatalog.Answer answer = BsaleCatalog.answer(request);
      ObjectNode envelope = JSON.createObjectNode();
      envelope.set("notification", node);
      envelope.put("request", request);
      envelope.put("status", answer.status());
      envelope.put("fetchedAt", FETCHED_AT);
      envelope.set("body", JSON.readTree(answer.body()));
      if ("document".equals(node.path("topic").asText())) {
        ArrayNode details = envelope.putArray("details");
        String page = BsaleCatalog.answer("/v1/documents/" + node.path("resourceId").asText() + "/details.json?limit=50&offset=0").body();
        JSON.readTree(page).path("items").forEach(details::add);
      }
      envelope.put("coalesced", 0);
      return JSON.writeValueAsBytes(envelope);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String request(JsonNode notification) {
    String id = notification.path("resourceId").asText();
    String scope = notification.hasNonNull("priceListId") ? notification.path("priceListId").asText() : notification.path("officeId").asText();
    return switch (notification.path("topic").asText()) {
      case "product" -> "/v1/products/" + id + ".json?expand=%5Bvariants%5D";
      case "variant" -> "/v1/variants/" + id + ".json";
      case "price" -> "/v1/price_lists/" + scope + "/details.json?variantid=" + id;
      case "stock" -> "/v1/stocks.json?variantid=" + id + "&officeid=" + scope;
      case "document" -> "/v1/documents/" + id + ".json";
      default -> "/v1/" + notification.path("topic").asText() + "s/" + id + ".json";
    };
  }
}
