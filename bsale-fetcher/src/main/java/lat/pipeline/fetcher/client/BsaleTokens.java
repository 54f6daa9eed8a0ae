package lat.pipeline.fetcher.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import lat.pipeline.config.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bsale access tokens by company ({@code cpnId}): {@code BSALE_TOKENS} ({@code cpnId=token,...})
 * and files {@code <cpnId>.token} in {@code BSALE_TOKENS_DIR} (a mounted Secret; a file wins over
 * the variable). The directory is re-read by {@link #reload()}, so a fixed token is picked up
 * without a restart. Tokens never reach a log, a metric, a topic or {@link #toString()}.
 */
public final class BsaleTokens {

  private static final Logger LOG = LoggerFactory.getLogger(BsaleTokens.class);
  private static final String SUFFIX = ".token";

  private final Map<String, String> fromEnv;
  private final Path dir;
  private volatile Map<String, String> tokens;

  public BsaleTokens(Map<String, String> fromEnv, Path dir) {
    this.fromEnv = Map.copyOf(fromEnv);
    this.dir = dir;
    this.tokens = load();
  }

  /** Parses {@code cpnId=token,...}; a malformed entry fails start-up, naming the variable but not the token. */
  public static Map<String, String> parse(String variable, String value) {
    return parse(variable, value, "token");
  }

  /**
   * Parses {@code cpnId=<what>,...}. A malformed entry, or a company named twice, fails start-up
   * with a message that names the variable and the company but never a value.
   */
  public static Map<String, String> parse(String variable, String value, String what) {
    Map<String, String> byCompany = new HashMap<>();
    if (value == null || value.isBlank()) {
      return byCompany;
    }
    for (String entry : value.split(",")) {
      int eq = entry.indexOf('=');
      String company = eq < 0 ? "" : entry.substring(0, eq).trim();
      String companyValue = eq < 0 ? "" : entry.substring(eq + 1).trim();
      if (company.isEmpty() || companyValue.isEmpty()) {
        throw new Env.ConfigException(variable + " must be cpnId=" + what + ",...; an entry has no company or no " + what);
      }
      if (byCompany.put(company, companyValue) != null) {
        throw new Env.ConfigException(variable + " names company " + company + " twice");
      }
    }
    return byCompany;
  }

  public Optional<String> forCompany(String companyId) {
    return Optional.ofNullable(tokens.get(companyId));
  }

  /** Re-reads the token files; answers true when any company's token changed. */
  public boolean reload() {
    Map<String, String> fresh = load();
    boolean changed = !fresh.equals(tokens);
    tokens = fresh;
    return changed;
  }

  private Map<String, String> load() {
    Map<String, String> all = new HashMap<>(fromEnv);
    if (dir != null && Files.isDirectory(dir)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          String token = Files.readString(file, StandardCharsets.UTF_8).strip();
          if (!token.isEmpty()) {
            all.put(name.substring(0, name.length() - SUFFIX.length()), token);
          }
        }
      } catch (IOException e) {
        LOG.warn("Could not read Bsale token files in {}: {}", dir, e.getClass().getSimpleName());
      }
    }
    return Map.copyOf(all);
  }

  @Override
  public String toString() {
    return "BsaleTokens[companies=" + new TreeSet<>(tokens.keySet()) + "]";
  }
}
