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
    Files.writeString(secrets.resolve("alegra.acme.token"), "file-token-0123456789\n");
    Files.writeString(secrets.resolve("obuma.acme.api-key"), "obuma-api-key");
    Files.writeString(secrets.resolve("obuma.old.client-secret"), "old-name-key");
    CredentialStore store = CredentialStore.load(
        "ninox:acme=env-token-0123456789,*:demo=demo-token-0123456789", "", "", secrets);

    assertThat(store.tokenMatches("alegra", "acme", "file-token-0123456789")).isTrue();
    assertThat(store.tokenMatches("ninox", "acme", "env-token-0123456789")).isTrue();
    assertThat(store.tokenMatches("alegra", "acme", "env-token-0123456789")).as("another provider's token").isFalse();
    assertThat(store.tokenMatches("bsale", "demo", "demo-token-0123456789")).as("* matches every provider").isTrue();
    assertThat(store.tokenMatches("bsale", "unknown", "demo-token-0123456789")).isFalse();
    assertThat(store.tokenMatches("alegra", "acme", null)).isFalse();
    assertThat(new String(store.obumaApiKey("acme").orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("obuma-api-key");
    assertThat(new String(store.obumaApiKey("old").orElseThrow(), StandardCharsets.UTF_8)).as("deprecated file name").isEqualTo("old-name-key");
  }

  @Test
  void obumaApiKeysComeFromTheNewVariableAndTheDeprecatedOne() {
    CredentialStore store = CredentialStore.load("", "acme=new-key", "legacy=old-key", secrets);
    assertThat(store.obumaApiKey("acme")).hasValueSatisfying(key -> assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("new-key"));
    assertThat(store.obumaApiKey("legacy")).hasValueSatisfying(key -> assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("old-key"));
  }

  // Fails on main before this change: a 6-character token was accepted at start-up.
  @Test
  void aTokenShortEnoughToGuessIsRefusedAtStartUpNamingWhereItIsNeverTheToken() throws Exception {
    assertThatThrownBy(() -> CredentialStore.load("ninox:acme=guess1", "", "", secrets))
        .hasMessageContaining("WEBHOOK_TOKENS").hasMessageContaining("ninox:acme").hasMessageNotContaining("guess1");
    Files.writeString(secrets.resolve("alegra.acme.token"), "short-tok");
    assertThatThrownBy(() -> CredentialStore.load("", "", "", secrets))
        .hasMessageContaining("alegra.acme.token").hasMessageNotContaining("short-tok");
  }

  @Test
  void neitherItsDescriptionNorAConfigurationErrorShowsASecret() {
    CredentialStore store = CredentialStore.load("alegra:acme=very-secret-0123456789", "acme=hmac-very-secret", "", secrets);
    assertThat(store.toString()).doesNotContain("very-secret");
    assertThatThrownBy(() -> CredentialStore.load("alegra-acme=very-secret-0123456789", "", "", secrets))
        .hasMessageNotContaining("very-secret");
    assertThatThrownBy(() -> CredentialStore.load("", "very-secret", "", secrets))
        .hasMessageNotContaining("very-secret");
  }
}
