package lat.pipeline.receiver.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import lat.pipeline.config.Env.ConfigException;

/**
 * The credentials of each provider and tenant. Tokens are kept only as SHA-256 digests and compared
 * with {@link MessageDigest#isEqual}, so a comparison takes the same time whatever the guess, and a
 * heap dump shows no token. Its {@code toString} never shows a secret.
 *
 * <p>Sources, all merged: {@code WEBHOOK_TOKENS} ({@code provider:tenant=token,...}, provider
 * {@code *} for every provider), {@code OBUMA_CLIENT_SECRETS} ({@code tenant=secret,...}), and the
 * files of a secrets directory (as Kubernetes mounts a Secret): {@code <provider>.<tenant>.token}
 * and {@code obuma.<tenant>.client-secret}.
 */
public final class CredentialStore {

  private static final String ANY_PROVIDER = "*";

  private final Map<String, byte[]> tokenDigests;
  private final Map<String, byte[]> obumaClientSecrets;

  private CredentialStore(Map<String, byte[]> tokenDigests, Map<String, byte[]> obumaClientSecrets) {
    this.tokenDigests = Map.copyOf(tokenDigests);
    this.obumaClientSecrets = Map.copyOf(obumaClientSecrets);
  }

  public static CredentialStore load(String tokens, String obumaSecrets, Path secretsDir) {
    Map<String, byte[]> tokenDigests = new HashMap<>();
    Map<String, byte[]> clientSecrets = new HashMap<>();
    pairs(tokens, "WEBHOOK_TOKENS")
        .forEach((providerAndTenant, token) -> {
          String[] parts = providerAndTenant.split(":", 2);
          if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new ConfigException("WEBHOOK_TOKENS entries must look like provider:tenant=token");
          }
          tokenDigests.put(key(parts[0], parts[1]), sha256(token));
        });
    pairs(obumaSecrets, "OBUMA_CLIENT_SECRETS")
        .forEach((tenant, secret) -> clientSecrets.put(tenant, secret.getBytes(StandardCharsets.UTF_8)));
    readSecretFiles(secretsDir, tokenDigests, clientSecrets);
    return new CredentialStore(tokenDigests, clientSecrets);
  }

  /** Whether the presented token is the one configured for this provider and tenant. */
  public boolean tokenMatches(String provider, String tenant, String presented) {
    byte[] expected = tokenDigests.get(key(provider, tenant));
    if (expected == null) {
      expected = tokenDigests.get(key(ANY_PROVIDER, tenant));
    }
    // Digest first, then compare digests: constant time and independent of the token's length.
    byte[] actual = sha256(presented == null ? "" : presented);
    return expected != null && presented != null && MessageDigest.isEqual(expected, actual);
  }

  public Optional<byte[]> obumaClientSecret(String tenant) {
    return Optional.ofNullable(obumaClientSecrets.get(tenant)).map(byte[]::clone);
  }

  public int tenantCount() {
    return tokenDigests.size();
  }

  @Override
  public String toString() {
    return "CredentialStore[" + tokenDigests.size() + " tokens, " + obumaClientSecrets.size() + " OBUMA secrets]";
  }

  private static void readSecretFiles(Path dir, Map<String, byte[]> tokens, Map<String, byte[]> clientSecrets) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String[] parts = file.getFileName().toString().split("\\.");
        if (parts.length != 3) {
          continue;
        }
        String value = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (parts[2].equals("token")) {
          tokens.put(key(parts[0], parts[1]), sha256(value));
        } else if (parts[0].equals("obuma") && parts[2].equals("client-secret")) {
          clientSecrets.put(parts[1], value.getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the secrets directory " + dir, e);
    }
  }

  private static Map<String, String> pairs(String list, String variable) {
    Map<String, String> pairs = new HashMap<>();
    for (String entry : list.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int equals = entry.indexOf('=');
      if (equals <= 0 || equals == entry.length() - 1) {
        // Never echo the entry: it holds a secret.
        throw new ConfigException(variable + " has an entry without 'name=secret'");
      }
      pairs.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
    }
    return pairs;
  }

  private static String key(String provider, String tenant) {
    return provider + ":" + tenant;
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
