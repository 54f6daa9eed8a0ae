package lat.pipeline.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import lat.pipeline.config.Env.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * How the schema registry client (Apicurio's serde, and the schema registration at start-up) trusts
 * the registry's TLS certificate and authenticates: basic auth or OAuth2 client credentials (the
 * two that Apicurio's serde supports). Secrets come only from files; {@link #toString()} names
 * what is set, never a secret.
 */
public record RegistrySecurity(
    Optional<Path> caPemFile,
    Optional<Path> truststore,
    String truststoreType,
    Optional<Password> truststorePassword,
    Optional<String> username,
    Optional<Password> password,
    Optional<String> oauthTokenEndpoint,
    Optional<String> oauthClientId,
    Optional<Password> oauthClientSecret,
    Optional<String> oauthScope) {

  public static final String CA_PEM_FILE = "SCHEMA_REGISTRY_CA_PEM_FILE";
  public static final String TRUSTSTORE_LOCATION = "SCHEMA_REGISTRY_TRUSTSTORE_LOCATION";
  public static final String TRUSTSTORE_TYPE = "SCHEMA_REGISTRY_TRUSTSTORE_TYPE";
  public static final String TRUSTSTORE_PASSWORD_FILE = "SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_FILE";
  public static final String USERNAME = "SCHEMA_REGISTRY_USERNAME";
  public static final String PASSWORD_FILE = "SCHEMA_REGISTRY_PASSWORD_FILE";
  public static final String OAUTH_TOKEN_ENDPOINT = "SCHEMA_REGISTRY_OAUTH_TOKEN_ENDPOINT_URL";
  public static final String OAUTH_CLIENT_ID = "SCHEMA_REGISTRY_OAUTH_CLIENT_ID";
  public static final String OAUTH_CLIENT_SECRET_FILE = "SCHEMA_REGISTRY_OAUTH_CLIENT_SECRET_FILE";
  public static final String OAUTH_SCOPE = "SCHEMA_REGISTRY_OAUTH_SCOPE";

  /** Plain HTTP or publicly trusted HTTPS, no credentials. */
  public static RegistrySecurity none() {
    return new RegistrySecurity(Optional.empty(), Optional.empty(), "PKCS12", Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static RegistrySecurity fromEnv(Env env) {
    Optional<Path> caPem = env.file(CA_PEM_FILE);
    Optional<Path> truststore = env.file(TRUSTSTORE_LOCATION);
    if (caPem.isPresent() && truststore.isPresent()) {
      throw new ConfigException("set either " + CA_PEM_FILE + " or " + TRUSTSTORE_LOCATION + ", not both");
    }
    String type = env.string(TRUSTSTORE_TYPE, "PKCS12").toUpperCase();
    if (!List.of("PKCS12", "JKS").contains(type)) {
      throw new ConfigException(TRUSTSTORE_TYPE + " must be PKCS12 or JKS, was " + type);
    }
    Optional<String> username = Optional.of(env.string(USERNAME, "")).filter(u -> !u.isEmpty());
    Optional<Password> password = env.secretFile(PASSWORD_FILE).map(Password::new);
    if (username.isPresent() != password.isPresent()) {
      throw new ConfigException(USERNAME + " and " + PASSWORD_FILE + " go together; "
          + (username.isPresent() ? PASSWORD_FILE : USERNAME) + " is not set");
    }
    Optional<String> endpoint = Optional.of(env.string(OAUTH_TOKEN_ENDPOINT, "")).filter(u -> !u.isEmpty());
    Optional<String> clientId = Optional.of(env.string(OAUTH_CLIENT_ID, "")).filter(u -> !u.isEmpty());
    Optional<Password> clientSecret = env.secretFile(OAUTH_CLIENT_SECRET_FILE).map(Password::new);
    if (endpoint.isPresent() && (clientId.isEmpty() || clientSecret.isEmpty())) {
      throw new ConfigException(OAUTH_TOKEN_ENDPOINT + " needs " + OAUTH_CLIENT_ID + " and " + OAUTH_CLIENT_SECRET_FILE);
    }
    if (endpoint.isEmpty() && (clientId.isPresent() || clientSecret.isPresent())) {
      throw new ConfigException((clientId.isPresent() ? OAUTH_CLIENT_ID : OAUTH_CLIENT_SECRET_FILE)
          + " is set, but " + OAUTH_TOKEN_ENDPOINT + " is not");
    }
    if (endpoint.isPresent() && username.isPresent()) {
      throw new ConfigException("set either " + USERNAME + " (basic auth) or " + OAUTH_TOKEN_ENDPOINT + " (OAuth2), not both");
    }
    return new RegistrySecurity(caPem, truststore, type, env.secretFile(TRUSTSTORE_PASSWORD_FILE).map(Password::new),
        username, password, endpoint, clientId, clientSecret,
        Optional.of(env.string(OAUTH_SCOPE, "")).filter(s -> !s.isEmpty()));
  }

  /**
   * The TLS context that trusts the configured CA or trust store, for the JDK HTTP client that
   * registers the schemas; empty: the JVM's default.
   */
  public Optional<SSLContext> sslContext() {
    if (caPemFile.isEmpty() && truststore.isEmpty()) {
      return Optional.empty();
    }
    String setting = caPemFile.isPresent() ? CA_PEM_FILE : TRUSTSTORE_LOCATION;
    try {
      KeyStore trusted;
      if (caPemFile.isPresent()) {
        trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(caPemFile.get())) {
          int i = 0;
          for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            trusted.setCertificateEntry("ca-" + i++, certificate);
          }
        }
      } else {
        trusted = KeyStore.getInstance(truststoreType);
        try (InputStream in = Files.newInputStream(truststore.get())) {
          trusted.load(in, truststorePassword.map(p -> p.value().toCharArray()).orElse(null));
        }
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return Optional.of(context);
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(setting + ": cannot load the trusted certificates (" + e.getClass().getSimpleName() + ")");
    }
  }

  @Override
  public String toString() {
    return "RegistrySecurity[trust=" + caPemFile.map(p -> CA_PEM_FILE).or(() -> truststore.map(p -> TRUSTSTORE_LOCATION))
        .orElse("JVM default") + ", auth=" + (username.isPresent() ? "basic (" + username.get() + ")"
        : oauthClientId.map(id -> "OAuth2 (" + id + ")").orElse("none")) + "]";
  }
}
