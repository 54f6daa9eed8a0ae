package lat.pipeline.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import lat.pipeline.config.RegistrySecurity;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The canonical schemas in a schema registry: registered under {@code <topic>-value} with BACKWARD
 * compatibility through the Confluent-compatible API (so the same call works against Confluent's
 * registry), and the serde settings that make Apicurio's Kafka serde write the Confluent wire format.
 * Both take the same {@link RegistrySecurity}: trusted CA and credentials.
 */
public final class CanonicalRegistry {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final RegistrySecurity security;
  private final HttpClient http;

  /** @param baseUrl the registry's root, e.g. {@code http://localhost:8081} */
  public CanonicalRegistry(String baseUrl) {
    this(baseUrl, RegistrySecurity.none());
  }

  public CanonicalRegistry(String baseUrl, RegistrySecurity security) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.security = security;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    security.sslContext().ifPresent(builder::sslContext);
    this.http = builder.build();
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
    security.caPemFile().ifPresent(pem -> {
      config.put(SchemaResolverConfig.TLS_TRUSTSTORE_TYPE, "PEM");
      config.put(SchemaResolverConfig.TLS_TRUSTSTORE_LOCATION, pem.toString());
    });
    security.truststore().ifPresent(store -> {
      config.put(SchemaResolverConfig.TLS_TRUSTSTORE_TYPE, security.truststoreType());
      config.put(SchemaResolverConfig.TLS_TRUSTSTORE_LOCATION, store.toString());
      security.truststorePassword().ifPresent(p -> config.put(SchemaResolverConfig.TLS_TRUSTSTORE_PASSWORD, p.value()));
    });
    security.username().ifPresent(user -> {
      config.put(SchemaResolverConfig.AUTH_USERNAME, user);
      config.put(SchemaResolverConfig.AUTH_PASSWORD, security.password().orElseThrow().value());
    });
    security.oauthTokenEndpoint().ifPresent(endpoint -> {
      config.put(SchemaResolverConfig.AUTH_TOKEN_ENDPOINT, endpoint);
      config.put(SchemaResolverConfig.AUTH_CLIENT_ID, security.oauthClientId().orElseThrow());
      config.put(SchemaResolverConfig.AUTH_CLIENT_SECRET, security.oauthClientSecret().orElseThrow().value());
      security.oauthScope().ifPresent(scope -> config.put(SchemaResolverConfig.AUTH_CLIENT_SCOPE, scope));
    });
    return config;
  }

  /** Registers every canonical schema (idempotent) and sets its subject to BACKWARD compatibility. */
  public void registerCanonicalSchemas() throws IOException, InterruptedException {
    Optional<String> authorization = authorization();
    for (Topic<String, ? extends SpecificRecord> topic : Topics.CANONICAL) {
      String subject = topic.name() + "-value";
      Schema schema = Topics.valueSchemaOf(topic);
      send("POST", "/subjects/" + subject + "/versions", JSON.writeValueAsString(Map.of("schema", schema.toString())), authorization);
      String rule = "{\"compatibility\":\"BACKWARD\"}";
      // 409: another instance starting at the same moment created the rule first; now it exists,
      // setting it again is an update.
      if (send("PUT", "/config/" + subject, rule, authorization, 409) == 409) {
        send("PUT", "/config/" + subject, rule, authorization);
      }
    }
  }

  /** The {@code Authorization} header the serde would send too: basic, or a token from the OAuth2 endpoint. */
  private Optional<String> authorization() throws IOException, InterruptedException {
    if (security.username().isPresent()) {
      String pair = security.username().get() + ":" + security.password().orElseThrow().value();
      return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    if (security.oauthTokenEndpoint().isEmpty()) {
      return Optional.empty();
    }
    String form = "grant_type=client_credentials&client_id=" + urlEncoded(security.oauthClientId().orElseThrow())
        + "&client_secret=" + urlEncoded(security.oauthClientSecret().orElseThrow().value())
        + security.oauthScope().map(scope -> "&scope=" + urlEncoded(scope)).orElse("");
    HttpRequest request = HttpRequest.newBuilder(URI.create(security.oauthTokenEndpoint().get()))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    String token = response.statusCode() == 200 ? JSON.readTree(response.body()).path("access_token").asText("") : "";
    if (token.isEmpty()) {
      throw new IOException(RegistrySecurity.OAUTH_TOKEN_ENDPOINT + " answered " + response.statusCode()
          + " without a token: check " + RegistrySecurity.OAUTH_CLIENT_ID + " and " + RegistrySecurity.OAUTH_CLIENT_SECRET_FILE);
    }
    return Optional.of("Bearer " + token);
  }

  private static String urlEncoded(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private void send(String method, String path, String json, Optional<String> authorization)
      throws IOException, InterruptedException {
    send(method, path, json, authorization, 200);
  }

  /** Sends, and answers the status: a 2xx, or {@code tolerated}; any other status is an error. */
  private int send(String method, String path, String json, Optional<String> authorization, int tolerated)
      throws IOException, InterruptedException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(confluentCompatibleUrl() + path))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .method(method, HttpRequest.BodyPublishers.ofString(json));
    authorization.ifPresent(value -> builder.header("Authorization", value));
    HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw new IOException(method + " " + path + " answered " + response.statusCode() + ": check "
          + (security.username().isPresent() ? RegistrySecurity.USERNAME + " and " + RegistrySecurity.PASSWORD_FILE
              : security.oauthClientId().isPresent() ? RegistrySecurity.OAUTH_CLIENT_ID + " and " + RegistrySecurity.OAUTH_CLIENT_SECRET_FILE
              : RegistrySecurity.USERNAME + " and " + RegistrySecurity.PASSWORD_FILE + " (none set)"));
    }
    if (response.statusCode() / 100 != 2 && response.statusCode() != tolerated) {
      throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.statusCode();
  }
}
