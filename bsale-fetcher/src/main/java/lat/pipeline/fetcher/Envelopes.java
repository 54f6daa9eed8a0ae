package lat.pipeline.fetcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import lat.pipeline.schemas.BsaleResources;

/** Builds the {@code raw.bsale.resources} value (see {@link BsaleResources}). */
final class Envelopes {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Envelopes() {}

  /**
   * @param body the API's answer as sent; kept as JSON when it parses, as text otherwise, null when none
   * @param details the document lines (items of every details page), null for other topics
   * @param actions the actions of every notification the fetch answers, in arrival order
   */
  static byte[] envelope(FetchRequest notification, String request, int status, Instant fetchedAt, byte[] body,
      List<JsonNode> details, List<String> actions, String error) {
    ObjectNode envelope = JSON.createObjectNode();
    envelope.set(BsaleResources.NOTIFICATION, notification.notification());
    envelope.put(BsaleResources.REQUEST, request);
    envelope.put(BsaleResources.STATUS, status);
    envelope.put(BsaleResources.FETCHED_AT, fetchedAt.toString());
    envelope.set(BsaleResources.BODY, json(body));
    if (details != null) {
      ArrayNode lines = envelope.putArray(BsaleResources.DETAILS);
      details.forEach(lines::add);
    }
    envelope.put(BsaleResources.COALESCED, actions.size() - 1);
    ArrayNode coalescedActions = envelope.putArray(BsaleResources.COALESCED_ACTIONS);
    actions.forEach(coalescedActions::add);
    if (error != null) {
      envelope.put(BsaleResources.ERROR, error);
    }
    return bytes(envelope);
  }

  static byte[] bytes(JsonNode tree) {
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  static JsonNode json(byte[] body) {
    if (body == null || body.length == 0) {
      return JSON.nullNode();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
    }
  }
}
