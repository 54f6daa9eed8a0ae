package lat.pipeline.receiver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {

  @TempDir Path secrets;

  @Test
  void tokensComeFromTheVariableAndFromMountedFilesPerProviderAndTenant() throws Exception {
    Files.writeString(secrets.resolve("alegra.acme.token"), "file-token\n");
    Files.writeString(secrets.resolve("obuma.acme.client-secret"), "hmac-secret");
    CredentialStore store = CredentialStore.load("ninox:acme=env-token,*:demo=demo-token", "", secrets);

    assertThat(store.tokenMatches("alegra", "acme", "file-token")).isTrue();
    assertThat(store.tokenMatches("ninox", "acme", "env-token")).isTrue();
    assertThat(store.tokenMatches("alegra", "acme", "env-token")).as("another provider's token").isFalse();
    assertThat(store.tokenMatches("bsale", "demo", "demo-token")).as("* matches every provider").isTrue();
    assertThat(store.tokenMatches("bsale", "unknown", "demo-token")).isFalse();
    assertThat(store.tokenMatches("alegra", "acme", null)).isFalse();
    assertThat(new String(store.obumaClientSecret("acme").orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("hmac-secret");
  }

  @Test
  void neitherItsDescriptionNorAConfigurationErrorShowsASecret() {
    CredentialStore store = CredentialStore.load("alegra:acme=very-secret", "acme=hmac-very-secret", secrets);
    assertThat(store.toString()).doesNotContain("very-secret");
    assertThatThrownBy(() -> CredentialStore.load("alegra-acme=very-secret", "", secrets))
        .hasMessageNotContaining("very-secret");
    assertThatThrownBy(() -> CredentialStore.load("", "very-secret", secrets))
        .hasMessageNotContaining("very-secret");
  }
}
