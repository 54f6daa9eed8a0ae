package lat.pipeline.normalizer.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import lat.pipeline.normalizer.providers.ProviderMappers;

/** Raw events with fixed receive metadata, so golden files are stable. */
public final class TestEvents {

  public static final String TENANT = "demo";
  /**
   * The demo tenant in each provider's usual country (Alegra here in Colombia), and the tenants of
   * the topology tests.
   */
  public static final TenantSettings SETTINGS = TenantSettings.parse(List.of(
      "obuma:demo=CLP@America/Santiago", "alegra:demo=COP@America/Bogota",
      "ninox:demo=ARS@America/Argentina/Buenos_Aires", "bsale:demo=CLP@America/Santiago",
      "*:acme=CLP@America/Santiago", "*:prop=CLP@America/Santiago"));
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final Instant RECEIVED_AT = Instant.parse("2025-03-04T13:14:15.678Z");

  private TestEvents() {}

  /** @param eventType the ce_type header: an URL event key or {@code {provider}.webhook} */
  public static RawEvent raw(String provider, String eventType, byte[] body) {
    return new RawEvent(provider, TENANT, eventType, "rcv-0001", RECEIVED_AT, rawTopic(provider), 0, 42L, body);
  }

  public static RawEvent rawFor(String provider, String tenant, String eventType, String body) {
    return new RawEvent(provider, tenant, eventType, "rcv-0001", RECEIVED_AT, rawTopic(provider), 0, 42L,
        body.getBytes(StandardCharsets.UTF_8));
  }

  public static RawEvent raw(String provider, String eventType, String body) {
    return raw(provider, eventType, body.getBytes(StandardCharsets.UTF_8));
  }

  /** The same delivery received again, later and at another offset. */
  public static RawEvent redelivered(RawEvent event, byte[] body) {
    return new RawEvent(
        event.provider(), event.tenant(), event.eventType(), "rcv-0002", RECEIVED_AT.plusSeconds(30), event.rawTopic(), 1, 4242L, body);
  }

  /** The same receipt stored again (the spooled copy of a record whose late acknowledgement also arrived). */
  public static RawEvent storedAgain(RawEvent event, byte[] body) {
    return new RawEvent(event.provider(), event.tenant(), event.eventType(), event.receiveId(), event.receivedAt(),
        event.rawTopic(), event.rawPartition(), event.rawOffset() + 1, body);
  }

  /** The topic the provider's mapper reads: raw.{provider}, or raw.bsale.resources for Bsale. */
  public static String rawTopic(String provider) {
    return ProviderMappers.forProvider(provider, TestEvents.SETTINGS).map(m -> m.rawTopic().name()).orElse("raw." + provider);
  }

  public static String genericType(String provider) {
    return provider + ".webhook";
  }

  /**
   * The envelope OBUMA posts around event data. In the older format eventData is the object's
   * JSON text, with slashes escaped the way PHP's json_encode does.
   */
  public static String obumaEnvelope(String eventType, JsonNode eventData, boolean dataAsString) {
    ObjectNode envelope = JSON.createObjectNode();
    envelope.put("eventId", "evt-" + eventType);
    envelope.put("eventType", eventType);
    envelope.put("eventDate", "2025-03-04 10:11:12");
    try {
      if (dataAsString) {
        envelope.put("eventData", JSON.writeValueAsString(eventData).replace("/", "\\/"));
      } else {
        envelope.set("eventData", eventData);
      }
      return JSON.writeValueAsString(envelope);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
