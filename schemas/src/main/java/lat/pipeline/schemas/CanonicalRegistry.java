package lat.pipeline.schemas;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The canonical schemas in a schema registry: registered under {@code <topic>-value} with BACKWARD
 * compatibility through the Confluent-compatible API (so the same call works against Confluent's
 * registry), and the serde settings that make Apicurio's Kafka serde write the Confluent wire format.
 */
public final class CanonicalRegistry {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** @param baseUrl the registry's root, e.g. {@code http://localhost:8081} */
  public CanonicalRegistry(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  public String confluentCompatibleUrl() {
    return baseUrl + "/apis/ccompat/v7";
  }

  /**
   * Settings for Apicurio's serde: its v3 API, 4-byte content ids in the payload (Confluent's
   * format). Schemas are registered once at start-up by {@link #registerCanonicalSchemas()}, where
   * the compatibility rule is checked; the serde only looks up the latest version of its subject.
   */
  public Map<String, Object> serdeConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put("apicurio.registry.url", baseUrl + "/apis/registry/v3");
    config.put("apicurio.registry.auto-register", "false");
    config.put("apicurio.registry.find-latest", "true");
    config.put("apicurio.registry.use-id", "contentId");
    config.put("apicurio.registry.headers.enabled", "false");
    config.put("apicurio.registry.use-specific-avro-reader", "true");
    return config;
  }

  /** Registers every canonical schema (idempotent) and sets its subject to BACKWARD compatibility. */
  public void registerCanonicalSchemas() throws IOException, InterruptedException {
    for (Topic<String, ? extends SpecificRecord> topic : Topics.CANONICAL) {
      String subject = topic.name() + "-value";
      Schema schema = Topics.valueSchemaOf(topic);
      send("POST", "/subjects/" + subject + "/versions", JSON.writeValueAsString(Map.of("schema", schema.toString())));
      send("PUT", "/config/" + subject, "{\"compatibility\":\"BACKWARD\"}");
    }
  }

  private void send(String method, String path, String json) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(confluentCompatibleUrl() + path))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .method(method, HttpRequest.BodyPublishers.ofString(json))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
  }
}
