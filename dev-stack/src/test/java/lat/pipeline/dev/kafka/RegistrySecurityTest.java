package lat.pipeline.dev.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import lat.pipeline.config.Env;
import lat.pipeline.config.RegistrySecurity;
import lat.pipeline.kafka.CanonicalRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema registry's TLS trust and credentials, as Apicurio's serde and the schema registration take them. */
class RegistrySecurityTest {

  private static TestCertificates certificates;

  @TempDir Path dir;

  @BeforeAll
  static void certificates(@TempDir Path tls) throws Exception {
    certificates = TestCertificates.generate(tls);
  }

  @Test
  void basicAuthAndAPemCaBecomeApicurioSerdeSettings() throws IOException {
    Path ca = certificates.caPem();
    RegistrySecurity security = RegistrySecurity.fromEnv(new Env(Map.of(
        "SCHEMA_REGISTRY_CA_PEM_FILE", ca.toString(),
        "SCHEMA_REGISTRY_USERNAME", "normalizer",
        "SCHEMA_REGISTRY_PASSWORD_FILE", Files.writeString(dir.resolve("password"), "pw-secret\n").toString())));
    assertThat(new CanonicalRegistry("https://registry:8443", security).serdeConfig())
        .containsEntry("apicurio.registry.url", "https://registry:8443/apis/registry/v3")
        .containsEntry("apicurio.registry.tls.truststore.type", "PEM")
        .containsEntry("apicurio.registry.tls.truststore.location", ca.toString())
        .containsEntry("apicurio.registry.auth.username", "normalizer")
        .containsEntry("apicurio.registry.auth.password", "pw-secret");
    assertThat(security.toString()).contains("normalizer", "SCHEMA_REGISTRY_CA_PEM_FILE").doesNotContain("pw-secret");
    assertThat(security.sslContext()).isPresent();
  }

  @Test
  void oauthClientCredentialsAndAPkcs12TrustStoreBecomeApicurioSerdeSettings() throws IOException {
    Path store = certificates.truststore();
    RegistrySecurity security = RegistrySecurity.fromEnv(new Env(Map.of(
        "SCHEMA_REGISTRY_TRUSTSTORE_LOCATION", store.toString(),
        "SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_FILE", Files.writeString(dir.resolve("store-password"), certificates.storePassword()).toString(),
        "SCHEMA_REGISTRY_OAUTH_TOKEN_ENDPOINT_URL", "https://idp.example/token",
        "SCHEMA_REGISTRY_OAUTH_CLIENT_ID", "normalizer",
        "SCHEMA_REGISTRY_OAUTH_CLIENT_SECRET_FILE", Files.writeString(dir.resolve("client-secret"), "oauth-secret").toString())));
    assertThat(new CanonicalRegistry("https://registry:8443", security).serdeConfig())
        .containsEntry("apicurio.registry.tls.truststore.type", "PKCS12")
        .containsEntry("apicurio.registry.tls.truststore.location", store.toString())
        .containsEntry("apicurio.registry.tls.truststore.password", certificates.storePassword())
        .containsEntry("apicurio.registry.auth.service.token.endpoint", "https://idp.example/token")
        .containsEntry("apicurio.registry.auth.client.id", "normalizer")
        .containsEntry("apicurio.registry.auth.client.secret", "oauth-secret");
    assertThat(security.toString()).doesNotContain("secret");
    assertThat(security.sslContext()).isPresent();
  }

  @Test
  void aFileThatHoldsNoCertificateFailsNamingTheVariable() throws IOException {
    Path notACertificate = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    RegistrySecurity security = RegistrySecurity.fromEnv(new Env(Map.of("SCHEMA_REGISTRY_CA_PEM_FILE", notACertificate.toString())));
    assertThatThrownBy(() -> new CanonicalRegistry("https://registry:8443", security))
        .hasMessageContaining("SCHEMA_REGISTRY_CA_PEM_FILE");
  }

  @Test
  void halfAPairFailsNamingTheMissingVariable() {
    assertThatThrownBy(() -> RegistrySecurity.fromEnv(new Env(Map.of("SCHEMA_REGISTRY_USERNAME", "u"))))
        .hasMessageContaining("SCHEMA_REGISTRY_PASSWORD_FILE");
    assertThatThrownBy(() -> RegistrySecurity.fromEnv(new Env(Map.of("SCHEMA_REGISTRY_OAUTH_CLIENT_ID", "c"))))
        .hasMessageContaining("SCHEMA_REGISTRY_OAUTH_TOKEN_ENDPOINT_URL");
  }
}
