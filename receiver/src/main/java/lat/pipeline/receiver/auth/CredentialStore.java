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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials of each provider and tenant. Tokens are kept only as SHA-256 digests and compared
 * with {@link MessageDigest#isEqual}, so a comparison takes the same time whatever the guess, and a
 * heap dump shows no token. Its {@code toString} never shows a secret. A token shorter than
 * {@link #MIN_TOKEN_LENGTH} characters is refused at start-up: it could be guessed.
 *
 * <p>Sources, all merged: {@code WEBHOOK_TOKENS} ({@code provider:tenant=token,...}, provider
 * {@code *} for every provider), {@code OBUMA_API_KEYS} ({@code tenant=api key,...}: the OBUMA
 * account's API key, which OBUMA signs webhooks with), and the files of a secrets directory (as
 * Kubernetes mounts a Secret): {@code <provider>.<tenant>.token} and {@code obuma.<tenant>.api-key}.
 * The earlier names {@code OBUMA_CLIENT_SECRETS} and {@code obuma.<tenant>.client-secret} still
 * work, with a warning.
 */
public final class CredentialStore {

  /** About 95 bits when drawn from base64 characters: out of reach of guessing at the failed-login limits. */
  public static final int MIN_TOKEN_LENGTH = 16;
  private static final String ANY_PROVIDER = "*";
  private static final Logger LOG = LoggerFactory.getLogger(CredentialStore.class);

  private final Map<String, byte[]> tokenDigests;
  private final Map<String, byte[]> obumaApiKeys;

  private CredentialStore(Map<String, byte[]> tokenDigests, Map<String, byte[]> obumaApiKeys) {
    this.tokenDigests = Map.copyOf(tokenDigests);
    this.obumaApiKeys = Map.copyOf(obumaApiKeys);
  }

  /** {@code deprecatedObumaSecrets}: the value of the old name {@code OBUMA_CLIENT_SECRETS}. */
  public static CredentialStore load(String tokens, String obumaApiKeys, String deprecatedObumaSecrets, Path secretsDir) {
    Map<String, byte[]> tokenDigests = new HashMap<>();
    Map<String, byte[]> apiKeys = new HashMap<>();
    pairs(tokens, "WEBHOOK_TOKENS")
        .forEach((providerAndTenant, token) -> {
          String[] parts = providerAndTenant.split(":", 2);
          if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new ConfigException("WEBHOOK_TOKENS entries must look like provider:tenant=token");
          }
          requireGuessProof(token, "WEBHOOK_TOKENS (entry " + providerAndTenant + ")");
          tokenDigests.put(key(parts[0], parts[1]), sha256(token));
        });
    if (!deprecatedObumaSecrets.isBlank()) {
      LOG.warn("OBUMA_CLIENT_SECRETS is deprecated: name the variable OBUMA_API_KEYS");
    }
    pairs(deprecatedObumaSecrets, "OBUMA_CLIENT_SECRETS")
        .forEach((tenant, key) -> apiKeys.put(tenant, key.getBytes(StandardCharsets.UTF_8)));
    pairs(obumaApiKeys, "OBUMA_API_KEYS")
        .forEach((tenant, key) -> apiKeys.put(tenant, key.getBytes(StandardCharsets.UTF_8)));
    readSecretFiles(secretsDir, tokenDigests, apiKeys);
    return new CredentialStore(tokenDigests, apiKeys);
  }

  /** Fails naming where the token came from, never the token. */
  private static void requireGuessProof(String token, String source) {
    if (token.length() < MIN_TOKEN_LENGTH) {
      throw new ConfigException(source + " holds a token shorter than " + MIN_TOKEN_LENGTH
          + " characters, which could be guessed; generate a longer one (e.g. openssl rand -base64 24)");
    }
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

  /** The OBUMA account's API key for this tenant: the key of its webhook signatures. */
  public Optional<byte[]> obumaApiKey(String tenant) {
    return Optional.ofNullable(obumaApiKeys.get(tenant)).map(byte[]::clone);
  }

  public int tenantCount() {
    return tokenDigests.size();
  }

  @Override
  public String toString() {
    return "CredentialStore[" + tokenDigests.size() + " tokens, " + obumaApiKeys.size() + " OBUMA API keys]";
  }

  private static void readSecretFiles(Path dir, Map<String, byte[]> tokens, Map<String, byte[]> apiKeys) {
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
          requireGuessProof(value, "The secrets file " + file.getFileName());
          tokens.put(key(parts[0], parts[1]), sha256(value));
        } else if (parts[0].equals("obuma") && parts[2].equals("api-key")) {
          apiKeys.put(parts[1], value.getBytes(StandardCharsets.UTF_8));
        } else if (parts[0].equals("obuma") && parts[2].equals("client-secret")) {
          LOG.warn("The secrets file {} has a deprecated name: call it obuma.{}.api-key", file.getFileName(), parts[1]);
          apiKeys.putIfAbsent(parts[1], value.getBytes(StandardCharsets.UTF_8));
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
