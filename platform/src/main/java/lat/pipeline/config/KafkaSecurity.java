package lat.pipeline.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import lat.pipeline.config.Env.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * How every Kafka client of a service authenticates and encrypts: read once from the {@code KAFKA_*}
 * variables below (README, "Connecting to a secured Kafka"). Secrets come only from files and are
 * held as Kafka {@link Password}s, which print as {@code [hidden]}; {@link #toString()} names the
 * settings, never their values.
 *
 * @param properties the client properties the variables give (secrets as {@link Password})
 * @param clientProperties the properties of {@code KAFKA_CLIENT_PROPERTIES_FILE}, which override
 *     {@code properties}
 * @param credentialSettings the variables that hold the SASL credentials, for error messages
 * @param trustSettings the variables that set what server certificates are trusted, for error messages
 */
public record KafkaSecurity(
    SecurityProtocol protocol,
    String saslMechanism,
    String saslUsername,
    Map<String, Object> properties,
    Map<String, String> clientProperties,
    String credentialSettings,
    String trustSettings) {

  public static final String PROTOCOL = "KAFKA_SECURITY_PROTOCOL";
  public static final String MECHANISM = "KAFKA_SASL_MECHANISM";
  public static final String JAAS_CONFIG_FILE = "KAFKA_SASL_JAAS_CONFIG_FILE";
  public static final String USERNAME = "KAFKA_SASL_USERNAME";
  public static final String PASSWORD_FILE = "KAFKA_SASL_PASSWORD_FILE";
  public static final String OAUTH_TOKEN_ENDPOINT = "KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL";
  public static final String OAUTH_CLIENT_ID = "KAFKA_SASL_OAUTHBEARER_CLIENT_ID";
  public static final String OAUTH_CLIENT_SECRET_FILE = "KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET_FILE";
  public static final String OAUTH_SCOPE = "KAFKA_SASL_OAUTHBEARER_SCOPE";
  public static final String CA_PEM_FILE = "KAFKA_SSL_CA_PEM_FILE";
  public static final String TRUSTSTORE_LOCATION = "KAFKA_SSL_TRUSTSTORE_LOCATION";
  public static final String TRUSTSTORE_TYPE = "KAFKA_SSL_TRUSTSTORE_TYPE";
  public static final String TRUSTSTORE_PASSWORD_FILE = "KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE";
  public static final String CERT_PEM_FILE = "KAFKA_SSL_CERT_PEM_FILE";
  public static final String KEY_PEM_FILE = "KAFKA_SSL_KEY_PEM_FILE";
  public static final String KEYSTORE_LOCATION = "KAFKA_SSL_KEYSTORE_LOCATION";
  public static final String KEYSTORE_TYPE = "KAFKA_SSL_KEYSTORE_TYPE";
  public static final String KEYSTORE_PASSWORD_FILE = "KAFKA_SSL_KEYSTORE_PASSWORD_FILE";
  public static final String KEY_PASSWORD_FILE = "KAFKA_SSL_KEY_PASSWORD_FILE";
  public static final String ENDPOINT_IDENTIFICATION = "KAFKA_SSL_ENDPOINT_IDENTIFICATION";
  public static final String CLIENT_PROPERTIES_FILE = "KAFKA_CLIENT_PROPERTIES_FILE";

  private static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER");
  private static final List<String> TLS_VARIABLES = List.of(CA_PEM_FILE, TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD_FILE,
      CERT_PEM_FILE, KEY_PEM_FILE, KEYSTORE_LOCATION, KEYSTORE_PASSWORD_FILE, KEY_PASSWORD_FILE);
  private static final List<String> SASL_VARIABLES = List.of(MECHANISM, JAAS_CONFIG_FILE, USERNAME, PASSWORD_FILE,
      OAUTH_TOKEN_ENDPOINT, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET_FILE, OAUTH_SCOPE);

  public KafkaSecurity {
    properties = Map.copyOf(properties);
    clientProperties = Map.copyOf(clientProperties);
  }

  /** No TLS, no SASL: the broker of {@code ./pipeline dev} and of most tests. */
  public static KafkaSecurity plaintext() {
    return new KafkaSecurity(SecurityProtocol.PLAINTEXT, null, null, Map.of(), Map.of(), "", "");
  }

  public static KafkaSecurity fromEnv(Env env) {
    SecurityProtocol protocol = protocol(env);
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("security.protocol", protocol.name);
    String mechanism = null;
    String username = null;
    String credentialSettings = "";
    boolean sasl = protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
    if (sasl) {
      mechanism = env.string(MECHANISM, "SCRAM-SHA-512").toUpperCase();
      if (!MECHANISMS.contains(mechanism)) {
        throw new ConfigException(MECHANISM + " must be one of " + String.join(", ", MECHANISMS) + ", was " + mechanism);
      }
      properties.put(SaslConfigs.SASL_MECHANISM, mechanism);
      username = env.string(USERNAME, null);
      credentialSettings = mechanism.equals("OAUTHBEARER") ? oauth(env, properties) : login(env, mechanism, properties);
    } else {
      rejectSet(env, SASL_VARIABLES, PROTOCOL + "=" + protocol.name + " uses no SASL");
    }
    String trustSettings = "";
    boolean tls = protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
    if (tls) {
      trustSettings = trust(env, properties);
      key(env, properties);
      String identification = env.string(ENDPOINT_IDENTIFICATION, "https").toLowerCase();
      if (!identification.equals("https") && !identification.equals("none")) {
        throw new ConfigException(ENDPOINT_IDENTIFICATION + " must be https or none, was " + identification);
      }
      properties.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, identification.equals("https") ? "https" : "");
    } else {
      rejectSet(env, TLS_VARIABLES, PROTOCOL + "=" + protocol.name + " uses no TLS");
    }
    return new KafkaSecurity(protocol, mechanism, username, properties, clientProperties(env), credentialSettings, trustSettings);
  }

  /**
   * The settings to add to a client's configuration: the variables' properties, overridden by the
   * client properties file (so the file can replace anything the variables set, e.g. a vendor's
   * login callback).
   */
  public Map<String, Object> clientConfig() {
    Map<String, Object> config = new LinkedHashMap<>(properties);
    config.putAll(clientProperties);
    return config;
  }

  public boolean usesSasl() {
    return saslMechanism != null;
  }

  /** Names what is set, never a value: the properties files' values may be secrets too. */
  @Override
  public String toString() {
    return "KafkaSecurity[protocol=" + protocol.name
        + (saslMechanism == null ? "" : ", mechanism=" + saslMechanism)
        + (saslUsername == null ? "" : ", username=" + saslUsername)
        + ", properties=" + new TreeMap<>(properties).keySet()
        + ", clientPropertiesFile=" + new TreeMap<>(clientProperties).keySet() + "]";
  }

  private static SecurityProtocol protocol(Env env) {
    String raw = env.string(PROTOCOL, "PLAINTEXT").toUpperCase();
    return Arrays.stream(SecurityProtocol.values())
        .filter(p -> p.name.equals(raw))
        .findFirst()
        .orElseThrow(() -> new ConfigException(PROTOCOL + " must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, was " + raw));
  }

  /** PLAIN and SCRAM: a JAAS file, or a user name and a password file. */
  private static String login(Env env, String mechanism, Map<String, Object> properties) {
    rejectSet(env, List.of(OAUTH_TOKEN_ENDPOINT, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET_FILE, OAUTH_SCOPE),
        MECHANISM + "=" + mechanism + " uses no OAuth");
    Optional<String> jaas = env.secretFile(JAAS_CONFIG_FILE);
    if (jaas.isPresent()) {
      rejectSet(env, List.of(USERNAME, PASSWORD_FILE), "set either " + JAAS_CONFIG_FILE + " or " + USERNAME + " and " + PASSWORD_FILE);
      properties.put(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas.get()));
      return JAAS_CONFIG_FILE;
    }
    String username = env.string(USERNAME, "");
    Optional<String> password = env.secretFile(PASSWORD_FILE);
    if (username.isEmpty() || password.isEmpty()) {
      throw new ConfigException(MECHANISM + "=" + mechanism + " needs " + USERNAME + " and " + PASSWORD_FILE
          + " (or " + JAAS_CONFIG_FILE + "); " + (username.isEmpty() ? USERNAME : PASSWORD_FILE) + " is not set");
    }
    String module = mechanism.equals("PLAIN")
        ? "org.apache.kafka.common.security.plain.PlainLoginModule"
        : "org.apache.kafka.common.security.scram.ScramLoginModule";
    properties.put(SaslConfigs.SASL_JAAS_CONFIG, new Password(
        module + " required username=\"" + jaasQuoted(username) + "\" password=\"" + jaasQuoted(password.get()) + "\";"));
    return USERNAME + " and " + PASSWORD_FILE;
  }

  /** OAUTHBEARER with the client-credentials grant (kafka-clients' {@code ClientCredentialsJwtRetriever}). */
  private static String oauth(Env env, Map<String, Object> properties) {
    rejectSet(env, List.of(USERNAME, PASSWORD_FILE), MECHANISM + "=OAUTHBEARER takes no user name or password");
    String endpoint = require(env, OAUTH_TOKEN_ENDPOINT, MECHANISM + "=OAUTHBEARER");
    properties.put(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS,
        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler");
    properties.put(SaslConfigs.SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL, endpoint);
    Optional<String> jaas = env.secretFile(JAAS_CONFIG_FILE);
    properties.put(SaslConfigs.SASL_JAAS_CONFIG,
        new Password(jaas.orElse("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;")));
    if (jaas.isPresent() && !env.isSet(OAUTH_CLIENT_ID)) {
      return JAAS_CONFIG_FILE;
    }
    properties.put(SaslConfigs.SASL_OAUTHBEARER_JWT_RETRIEVER_CLASS,
        "org.apache.kafka.common.security.oauthbearer.ClientCredentialsJwtRetriever");
    properties.put(SaslConfigs.SASL_OAUTHBEARER_CLIENT_CREDENTIALS_CLIENT_ID, require(env, OAUTH_CLIENT_ID, MECHANISM + "=OAUTHBEARER"));
    properties.put(SaslConfigs.SASL_OAUTHBEARER_CLIENT_CREDENTIALS_CLIENT_SECRET, new Password(env.secretFile(OAUTH_CLIENT_SECRET_FILE)
        .orElseThrow(() -> new ConfigException(MECHANISM + "=OAUTHBEARER needs " + OAUTH_CLIENT_SECRET_FILE))));
    String scope = env.string(OAUTH_SCOPE, "");
    if (!scope.isEmpty()) {
      properties.put(SaslConfigs.SASL_OAUTHBEARER_SCOPE, scope);
    }
    return OAUTH_CLIENT_ID + " and " + OAUTH_CLIENT_SECRET_FILE;
  }

  /** Which server certificates to trust: a PEM CA bundle, a trust store, or the JVM's default CAs. */
  private static String trust(Env env, Map<String, Object> properties) {
    Optional<Path> caPem = env.file(CA_PEM_FILE);
    Optional<Path> truststore = env.file(TRUSTSTORE_LOCATION);
    if (caPem.isPresent()) {
      rejectSet(env, List.of(TRUSTSTORE_LOCATION, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD_FILE),
          "set either " + CA_PEM_FILE + " or " + TRUSTSTORE_LOCATION);
      properties.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
      properties.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, caPem.get().toString());
      return CA_PEM_FILE;
    }
    if (truststore.isPresent()) {
      properties.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, storeType(env, TRUSTSTORE_TYPE));
      properties.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.get().toString());
      env.secretFile(TRUSTSTORE_PASSWORD_FILE)
          .ifPresent(p -> properties.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, new Password(p)));
      return TRUSTSTORE_LOCATION;
    }
    rejectSet(env, List.of(TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD_FILE), TRUSTSTORE_LOCATION + " is not set");
    return "the JVM's default trusted CAs (set " + CA_PEM_FILE + " or " + TRUSTSTORE_LOCATION + ")";
  }

  /** A client certificate, for brokers that authenticate clients by TLS (mTLS): PEM files or a key store. */
  private static void key(Env env, Map<String, Object> properties) {
    Optional<String> certificate = env.secretFile(CERT_PEM_FILE);
    Optional<String> key = env.secretFile(KEY_PEM_FILE);
    Optional<Path> keystore = env.file(KEYSTORE_LOCATION);
    if (certificate.isPresent() != key.isPresent()) {
      throw new ConfigException(CERT_PEM_FILE + " and " + KEY_PEM_FILE + " go together; "
          + (certificate.isPresent() ? KEY_PEM_FILE : CERT_PEM_FILE) + " is not set");
    }
    if (certificate.isPresent()) {
      rejectSet(env, List.of(KEYSTORE_LOCATION, KEYSTORE_TYPE, KEYSTORE_PASSWORD_FILE),
          "set either " + CERT_PEM_FILE + " and " + KEY_PEM_FILE + " or " + KEYSTORE_LOCATION);
      properties.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
      properties.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, new Password(certificate.get()));
      properties.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, new Password(key.get()));
    } else if (keystore.isPresent()) {
      properties.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, storeType(env, KEYSTORE_TYPE));
      properties.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore.get().toString());
      properties.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, new Password(env.secretFile(KEYSTORE_PASSWORD_FILE)
          .orElseThrow(() -> new ConfigException(KEYSTORE_LOCATION + " needs " + KEYSTORE_PASSWORD_FILE))));
    } else {
      rejectSet(env, List.of(KEYSTORE_TYPE, KEYSTORE_PASSWORD_FILE, KEY_PASSWORD_FILE), KEYSTORE_LOCATION + " is not set");
      return;
    }
    env.secretFile(KEY_PASSWORD_FILE).ifPresent(p -> properties.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, new Password(p)));
  }

  private static String storeType(Env env, String name) {
    String type = env.string(name, "PKCS12").toUpperCase();
    if (!List.of("PKCS12", "JKS", "PEM").contains(type)) {
      throw new ConfigException(name + " must be PKCS12, JKS or PEM, was " + type);
    }
    return type;
  }

  private static Map<String, String> clientProperties(Env env) {
    Optional<Path> file = env.file(CLIENT_PROPERTIES_FILE);
    if (file.isEmpty()) {
      return Map.of();
    }
    Properties loaded = new Properties();
    try (InputStream in = Files.newInputStream(file.get())) {
      loaded.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(CLIENT_PROPERTIES_FILE + " names " + file.get() + ", which is not a readable properties file");
    }
    Map<String, String> properties = new LinkedHashMap<>();
    loaded.stringPropertyNames().forEach(name -> properties.put(name, loaded.getProperty(name).strip()));
    return properties;
  }

  private static String require(Env env, String name, String neededBy) {
    String value = env.string(name, "");
    if (value.isEmpty()) {
      throw new ConfigException(neededBy + " needs " + name);
    }
    return value;
  }

  private static void rejectSet(Env env, List<String> names, String reason) {
    for (String name : names) {
      if (env.isSet(name)) {
        throw new ConfigException(name + " is set, but " + reason);
      }
    }
  }

  private static String jaasQuoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
