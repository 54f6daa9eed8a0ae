package lat.pipeline.normalizer.mapping;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import lat.pipeline.config.Env;
import lat.pipeline.schemas.canonical.Money;

/**
 * What a payload does not say about its tenant: the currency of its amounts and the time zone of its
 * local times, per provider and tenant. From {@value #VARIABLE}, e.g. {@code
 * obuma:acme=CLP@America/Santiago,*:demo=CLP@America/Santiago}; provider {@code *} matches every
 * provider, an exact provider wins over it.
 *
 * <p>A tenant without settings is mapped as long as its payloads need none; a record that needs a
 * currency or a time zone the payload does not give is a "map" dead letter naming the variable, to
 * be re-driven once the setting is added. Never a guess: a wrong currency is worse than none.
 */
public final class TenantSettings {

  public static final String VARIABLE = "TENANT_SETTINGS";
  private static final String ANY_PROVIDER = "*";
  private static final Pattern ENTRY = Pattern.compile("([^:=\\s]+):([^:=\\s]+)=([A-Za-z]{3})@(\\S+)");

  /** One tenant's settings. */
  public record Setting(String currency, ZoneId zone) {}

  private final Map<String, Setting> byProviderAndTenant;

  private TenantSettings(Map<String, Setting> byProviderAndTenant) {
    this.byProviderAndTenant = Map.copyOf(byProviderAndTenant);
  }

  public static TenantSettings none() {
    return new TenantSettings(Map.of());
  }

  public static TenantSettings fromEnv(Env env) {
    return parse(env.list(VARIABLE));
  }

  /** @param entries {@code provider:tenant=CUR@Zone/Id}; a bad one fails naming the variable and the entry */
  public static TenantSettings parse(List<String> entries) {
    Map<String, Setting> settings = new LinkedHashMap<>();
    for (String entry : entries) {
      var match = ENTRY.matcher(entry);
      if (!match.matches()) {
        throw new Env.ConfigException(VARIABLE + " entry '" + entry + "' is not provider:tenant=CUR@Time/Zone");
      }
      String key = match.group(1) + ":" + match.group(2);
      if (settings.put(key, new Setting(currency(entry, match.group(3)), zone(entry, match.group(4)))) != null) {
        throw new Env.ConfigException(VARIABLE + " names " + key + " twice");
      }
    }
    return new TenantSettings(settings);
  }

  /** The settings of one raw event's tenant, read only when a payload leaves something unsaid. */
  public Tenant of(String provider, String tenant) {
    Setting setting = byProviderAndTenant.get(provider + ":" + tenant);
    return new Tenant(provider, tenant, setting != null ? setting : byProviderAndTenant.get(ANY_PROVIDER + ":" + tenant));
  }

  /** One tenant of one provider; {@code setting} null when it has none. */
  public record Tenant(String provider, String tenant, Setting setting) {

    /**
     * The amount in the payload's currency when it names one, else in the tenant's; null when there
     * is no amount. Without either, a "map" failure: a Money is never emitted without its currency.
     */
    public Money money(BigDecimal amount, String payloadCurrency) {
      if (amount == null) {
        return null;
      }
      String currency = payloadCurrency != null ? payloadCurrency.trim().toUpperCase(java.util.Locale.ROOT) : required().currency();
      return Money.newBuilder().setAmount(Amounts.scaled(amount)).setCurrency(currency).build();
    }

    public Money money(BigDecimal amount) {
      return money(amount, null);
    }

    /** @param currencyOf by path: the currency the payload names for that amount; null when it names none */
    public Map<String, Money> money(Map<String, BigDecimal> amounts, UnaryOperator<String> currencyOf) {
      Map<String, Money> money = new TreeMap<>();
      amounts.forEach((path, amount) -> money.put(path, money(amount, currencyOf.apply(path))));
      return money;
    }

    /** The zone the provider's local times are read in. */
    public ZoneId zone() {
      return required().zone();
    }

    private Setting required() {
      if (setting == null) {
        throw MappingException.map("tenant " + tenant + " of " + provider + " has no currency and time zone in "
            + VARIABLE + " (add " + provider + ":" + tenant + "=CUR@Time/Zone) and the payload does not say");
      }
      return setting;
    }
  }

  private static String currency(String entry, String code) {
    try {
      return Currency.getInstance(code.toUpperCase(java.util.Locale.ROOT)).getCurrencyCode();
    } catch (IllegalArgumentException e) {
      throw new Env.ConfigException(VARIABLE + " entry '" + entry + "': " + code + " is not an ISO 4217 currency");
    }
  }

  private static ZoneId zone(String entry, String id) {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new Env.ConfigException(VARIABLE + " entry '" + entry + "': " + id + " is not a time zone");
    }
  }
}
