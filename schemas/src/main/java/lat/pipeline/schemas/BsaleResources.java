package lat.pipeline.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The records of {@code raw.bsale.resources}, written by the fetcher and read by the normalizer,
 * the tools and the console, all with this class. Key: the tenant. Headers: the notification's raw
 * {@code ce_*} headers and {@code tenant} ({@link RawRecords}), plus {@link #DELIVERY_ID}. Value: a
 * JSON envelope
 *
 * <pre>{@code
 * {"notification": {..as received..}, "request": "/v1/...", "status": 200,
 *  "fetchedAt": "RFC 3339", "body": {..the API's answer, or null..},
 *  "details": [..document lines, documents only..], "coalesced": 0,
 *  "coalescedActions": ["post", "put"], "error": null}
 * }</pre>
 *
 * {@code status} 0 means no HTTP answer (timeouts until the wait bound), with {@code error} saying
 * why; {@code coalesced} counts the later notifications for the same resource this fetch answers,
 * {@code coalescedActions} lists the actions of all of them (so a post answered with a later put's
 * fetch still says the resource was created).
 */
public final class BsaleResources {

  /**
   * Header of {@code bsale.fetch-requests} and {@code raw.bsale.resources}: the notification's
   * delivery id (cpnId, topic, resourceId, action, send, scope), scoped by tenant.
   */
  public static final String DELIVERY_ID = "bsale_delivery_id";

  static final String NOTIFICATION = "notification";
  static final String REQUEST = "request";
  static final String STATUS = "status";
  static final String FETCHED_AT = "fetchedAt";
  /** The envelope field holding the API's answer; source-field paths of fetched resources start with it. */
  public static final String BODY = "body";
  static final String DETAILS = "details";
  static final String COALESCED = "coalesced";
  static final String COALESCED_ACTIONS = "coalescedActions";
  static final String ERROR = "error";

  private static final String CONTENT_TYPE = "application/json";

  private BsaleResources() {}

  /**
   * One envelope.
   *
   * @param request the API path asked, or null when unknown
   * @param fetchedAt null when the envelope does not say
   * @param body the API's answer: JSON when it parsed, text otherwise, a JSON null when none
   * @param details the document lines (items of every details page), null for other topics
   * @param coalescedActions the actions of every notification the fetch answers, in arrival order
   * @param error why there is no answer, or null
   */
  public record Envelope(JsonNode notification, String request, int status, Instant fetchedAt, JsonNode body,
      List<JsonNode> details, int coalesced, List<String> coalescedActions, String error) {

    /** The envelope of a fetch that answers every notification whose action is in {@code actions}. */
    public static Envelope of(JsonNode notification, String request, int status, Instant fetchedAt, JsonNode body,
        List<JsonNode> details, List<String> actions, String error) {
      return new Envelope(notification, request, status, fetchedAt, body, details, actions.size() - 1, actions, error);
    }
  }

  /** An answer as bytes again, its numbers with the digits they were read with (the inverse of {@link #answer}). */
  public static byte[] bytes(JsonNode answer) {
    return JsonValues.bytes(answer);
  }

  /** The API's answer as sent, as the envelope keeps it: JSON when it parses, text otherwise, null when none. */
  public static JsonNode answer(byte[] body) {
    if (body == null || body.length == 0) {
      return NullNode.getInstance();
    }
    try {
      return JsonValues.JSON.readTree(body);
    } catch (IOException e) {
      return JsonValues.JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
    }
  }

  /**
   * The record of a fetch: keyed by tenant, with the headers of the fetch request it answers (the raw
   * notification's, and its delivery id) and the envelope's own content type.
   */
  public static ProducerRecord<String, byte[]> record(
      Topic<String, byte[]> topic, String tenant, Headers requestHeaders, Envelope envelope) {
    Headers headers = new RecordHeaders();
    for (Header header : requestHeaders) {
      if (!header.key().equals(CloudEventHeaders.CONTENT_TYPE)) {
        headers.add(header.key(), header.value());
      }
    }
    TextHeaders.add(headers, CloudEventHeaders.CONTENT_TYPE, CONTENT_TYPE);
    return new ProducerRecord<>(topic.name(), null, tenant, encode(envelope), headers);
  }

  public static byte[] encode(Envelope envelope) {
    ObjectNode node = JsonValues.JSON.createObjectNode();
    node.set(NOTIFICATION, envelope.notification());
    node.put(REQUEST, envelope.request());
    node.put(STATUS, envelope.status());
    node.put(FETCHED_AT, envelope.fetchedAt() == null ? null : envelope.fetchedAt().toString());
    node.set(BODY, envelope.body() == null ? NullNode.getInstance() : envelope.body());
    if (envelope.details() != null) {
      ArrayNode lines = node.putArray(DETAILS);
      envelope.details().forEach(lines::add);
    }
    node.put(COALESCED, envelope.coalesced());
    ArrayNode actions = node.putArray(COALESCED_ACTIONS);
    envelope.coalescedActions().forEach(actions::add);
    if (envelope.error() != null) {
      node.put(ERROR, envelope.error());
    }
    return JsonValues.bytes(node);
  }

  /** @throws UnreadableRecord when it is not an envelope, saying what is missing or wrong */
  public static Envelope decode(byte[] value) throws UnreadableRecord {
    return read(JsonValues.object(value));
  }

  /** The envelope of a value already parsed (a reader that also keeps the tree, as the normalizer's leaves do). */
  public static Envelope read(JsonNode node) throws UnreadableRecord {
    JsonValues.object(node);
    JsonNode notification = node.path(NOTIFICATION);
    if (!notification.isObject()) {
      throw new UnreadableRecord("no " + NOTIFICATION + " object");
    }
    JsonNode status = node.path(STATUS);
    if (!status.isNumber() || !status.canConvertToInt()) {
      throw new UnreadableRecord(STATUS + " is not a number");
    }
    List<JsonNode> details = null;
    if (!isAbsent(node.path(DETAILS))) {
      if (!node.path(DETAILS).isArray()) {
        throw new UnreadableRecord(DETAILS + " is not an array");
      }
      details = new ArrayList<>();
      node.path(DETAILS).forEach(details::add);
    }
    List<String> actions = new ArrayList<>();
    node.path(COALESCED_ACTIONS).forEach(action -> actions.add(action.asText()));
    return new Envelope(notification, text(node, REQUEST), status.asInt(), fetchedAt(node), node.path(BODY).isMissingNode()
        ? NullNode.getInstance() : node.path(BODY), details, node.path(COALESCED).asInt(0), actions, text(node, ERROR));
  }

  /** The delivery id header, or null. */
  public static String deliveryIdOf(Headers headers) {
    return TextHeaders.get(headers, DELIVERY_ID);
  }

  /** Sets the delivery id header, replacing any earlier one. */
  public static void putDeliveryId(Headers headers, String deliveryId) {
    TextHeaders.put(headers, DELIVERY_ID, deliveryId);
  }

  private static Instant fetchedAt(JsonNode node) throws UnreadableRecord {
    String text = text(node, FETCHED_AT);
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new UnreadableRecord(FETCHED_AT + " is not an RFC 3339 time");
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return isAbsent(value) ? null : value.asText();
  }

  private static boolean isAbsent(JsonNode node) {
    return node.isMissingNode() || node.isNull();
  }
}
