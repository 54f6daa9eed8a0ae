package lat.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import lat.pipeline.kafka.KafkaClients;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSecurityTest {

  private static final String SECRET = "s3cr3t-\"quoted\"";

  @TempDir Path dir;

  @Test
  void plaintextByDefault() {
    KafkaSecurity security = KafkaSecurity.fromEnv(new Env(Map.of()));
    assertThat(security.clientConfig()).containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
    assertThat(security.usesSasl()).isFalse();
  }

  @Test
  void scramAndPlainBuildTheJaasLineFromUserNameAndPasswordFile() throws IOException {
    for (String mechanism : new String[] {"SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"}) {
      KafkaSecurity security = KafkaSecurity.fromEnv(env(
          "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM", mechanism,
          "KAFKA_SASL_USERNAME", "receiver", "KAFKA_SASL_PASSWORD_FILE", file("password", SECRET)));
      Map<String, Object> config = security.clientConfig();
      assertThat(config).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", mechanism);
      String jaas = ((Password) config.get("sasl.jaas.config")).value();
      assertThat(jaas).startsWith(mechanism.equals("PLAIN")
              ? "org.apache.kafka.common.security.plain.PlainLoginModule required"
              : "org.apache.kafka.common.security.scram.ScramLoginModule required")
          .contains("username=\"receiver\"", "password=\"s3cr3t-\\\"quoted\\\"\"").endsWith(";");
      assertThat(security.credentialSettings()).isEqualTo("KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE");
    }
  }

  @Test
  void aJaasFileIsTakenAsItIs() throws IOException {
    String line = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"" + SECRET + "\";";
    KafkaSecurity security = KafkaSecurity.fromEnv(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "KAFKA_SASL_JAAS_CONFIG_FILE", file("jaas", line)));
    assertThat(((Password) security.clientConfig().get("sasl.jaas.config")).value()).isEqualTo(line);
    assertThat(security.clientConfig()).containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.endpoint.identification.algorithm", "https");
    assertThat(security.credentialSettings()).isEqualTo("KAFKA_SASL_JAAS_CONFIG_FILE");
  }

  @Test
  void oauthBearerUsesTheClientCredentialsRetriever() throws IOException {
    KafkaSecurity security = KafkaSecurity.fromEnv(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "KAFKA_SASL_MECHANISM", "OAUTHBEARER",
        "KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL", "https://idp.example/token",
        "KAFKA_SASL_OAUTHBEARER_CLIENT_ID", "normalizer",
        "KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET_FILE", file("client-secret", SECRET),
        "KAFKA_SASL_OAUTHBEARER_SCOPE", "kafka"));
    assertThat(security.clientConfig())
        .containsEntry("sasl.mechanism", "OAUTHBEARER")
        .containsEntry("sasl.oauthbearer.token.endpoint.url", "https://idp.example/token")
        .containsEntry("sasl.login.callback.handler.class", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler")
        .containsEntry("sasl.oauthbearer.jwt.retriever.class", "org.apache.kafka.common.security.oauthbearer.ClientCredentialsJwtRetriever")
        .containsEntry("sasl.oauthbearer.client.credentials.client.id", "normalizer")
        .containsEntry("sasl.oauthbearer.client.credentials.client.secret", new Password(SECRET))
        .containsEntry("sasl.oauthbearer.scope", "kafka")
        .containsEntry("sasl.jaas.config", new Password("org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;"));
  }

  @Test
  void tlsTrustFromAPemCaOrAPkcs12TrustStore() throws IOException {
    String ca = file("ca.pem", "-----BEGIN CERTIFICATE-----");
    assertThat(KafkaSecurity.fromEnv(env("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_CA_PEM_FILE", ca)).clientConfig())
        .containsEntry("ssl.truststore.type", "PEM").containsEntry("ssl.truststore.location", ca);

    String store = file("truststore.p12", "binary");
    KafkaSecurity pkcs12 = KafkaSecurity.fromEnv(env("KAFKA_SECURITY_PROTOCOL", "SSL",
        "KAFKA_SSL_TRUSTSTORE_LOCATION", store, "KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE", file("store-password", SECRET),
        "KAFKA_SSL_ENDPOINT_IDENTIFICATION", "none"));
    assertThat(pkcs12.clientConfig()).containsEntry("ssl.truststore.type", "PKCS12")
        .containsEntry("ssl.truststore.location", store)
        .containsEntry("ssl.truststore.password", new Password(SECRET))
        .containsEntry("ssl.endpoint.identification.algorithm", "");
    assertThat(pkcs12.trustSettings()).isEqualTo("KAFKA_SSL_TRUSTSTORE_LOCATION");
  }

  @Test
  void clientCertificateFromPemFilesOrAKeyStore() throws IOException {
    Map<String, Object> pem = KafkaSecurity.fromEnv(env("KAFKA_SECURITY_PROTOCOL", "SSL",
        "KAFKA_SSL_CERT_PEM_FILE", file("cert.pem", "CERT"), "KAFKA_SSL_KEY_PEM_FILE", file("key.pem", SECRET))).clientConfig();
    assertThat(pem).containsEntry("ssl.keystore.type", "PEM")
        .containsEntry("ssl.keystore.certificate.chain", new Password("CERT"))
        .containsEntry("ssl.keystore.key", new Password(SECRET));

    String keystore = file("keystore.p12", "binary");
    Map<String, Object> pkcs12 = KafkaSecurity.fromEnv(env("KAFKA_SECURITY_PROTOCOL", "SSL",
        "KAFKA_SSL_KEYSTORE_LOCATION", keystore, "KAFKA_SSL_KEYSTORE_PASSWORD_FILE", file("keystore-password", SECRET))).clientConfig();
    assertThat(pkcs12).containsEntry("ssl.keystore.type", "PKCS12").containsEntry("ssl.keystore.location", keystore)
        .containsEntry("ssl.keystore.password", new Password(SECRET));
  }

  @Test
  void badOrContradictorySettingsFailNamingTheVariableAndNeverTheSecret() throws IOException {
    String password = file("password", SECRET);
    assertFails(env("KAFKA_SECURITY_PROTOCOL", "TLS"), "KAFKA_SECURITY_PROTOCOL");
    assertFails(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "GSSAPI"), "KAFKA_SASL_MECHANISM");
    assertFails(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_USERNAME", "u"), "KAFKA_SASL_PASSWORD_FILE");
    assertFails(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_PASSWORD_FILE", dir.resolve("missing").toString()),
        "KAFKA_SASL_PASSWORD_FILE");
    assertFails(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD_FILE", password,
        "KAFKA_SASL_JAAS_CONFIG_FILE", password), "KAFKA_SASL_USERNAME");
    assertFails(env("KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD_FILE", password), "KAFKA_SASL_USERNAME");
    assertFails(env("KAFKA_SSL_CA_PEM_FILE", password), "KAFKA_SSL_CA_PEM_FILE");
    assertFails(env("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_CA_PEM_FILE", password, "KAFKA_SSL_TRUSTSTORE_LOCATION", password),
        "KAFKA_SSL_TRUSTSTORE_LOCATION");
    assertFails(env("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_CERT_PEM_FILE", password), "KAFKA_SSL_KEY_PEM_FILE");
    assertFails(env("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_ENDPOINT_IDENTIFICATION", "maybe"), "KAFKA_SSL_ENDPOINT_IDENTIFICATION");
    assertFails(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "OAUTHBEARER"),
        "KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL");
    assertFails(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_USERNAME", "u",
        "KAFKA_SASL_PASSWORD_FILE", file("empty", "")), "KAFKA_SASL_PASSWORD_FILE");
  }

  @Test
  void theClientPropertiesFileOverridesTheVariablesAndTheClientsOwnSettingsOverrideTheFile() throws IOException {
    KafkaSecurity security = KafkaSecurity.fromEnv(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD_FILE", file("password", SECRET),
        "KAFKA_CLIENT_PROPERTIES_FILE", file("client.properties",
            "sasl.mechanism=SCRAM-SHA-256\nclient.dns.lookup=use_all_dns_ips\nacks=1\nbootstrap.servers=other:9093\n")));
    Map<String, Object> config = new KafkaClients("kafka:9093", security).config(Map.of(ProducerConfig.ACKS_CONFIG, "all"));
    assertThat(config)
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
        .containsEntry("client.dns.lookup", "use_all_dns_ips")
        .containsEntry("bootstrap.servers", "other:9093")
        .containsEntry("acks", "all");
  }

  @Test
  void toStringNamesTheSettingsButNoSecret() throws IOException {
    KafkaSecurity security = KafkaSecurity.fromEnv(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "KAFKA_SASL_USERNAME", "receiver", "KAFKA_SASL_PASSWORD_FILE", file("password", SECRET),
        "KAFKA_SSL_KEY_PEM_FILE", file("key.pem", SECRET), "KAFKA_SSL_CERT_PEM_FILE", file("cert.pem", SECRET),
        "KAFKA_CLIENT_PROPERTIES_FILE", file("client.properties", "ssl.key.password=" + SECRET)));
    assertThat(security.toString()).contains("SASL_SSL", "SCRAM-SHA-512", "receiver", "sasl.jaas.config", "ssl.key.password")
        .doesNotContain("s3cr3t");
  }

  private void assertFails(Env env, String variable) {
    assertThatThrownBy(() -> KafkaSecurity.fromEnv(env)).isInstanceOf(Env.ConfigException.class)
        .hasMessageContaining(variable).message().doesNotContain("s3cr3t");
  }

  private String file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content).toString();
  }

  private static Env env(String... pairs) {
    Map<String, String> variables = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      variables.put(pairs[i], pairs[i + 1]);
    }
    return new Env(variables);
  }
}
