package lat.pipeline.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import lat.pipeline.config.Env;
import lat.pipeline.normalizer.providers.alegra.AlegraMapper;
import lat.pipeline.normalizer.providers.obuma.ObumaMapper;
import lat.pipeline.schemas.canonical.Customer;
import lat.pipeline.schemas.canonical.Document;
import lat.pipeline.schemas.canonical.Money;
import org.junit.jupiter.api.Test;

/** Currency and time zone come from the tenant's settings where the payload does not say them. */
class TenantSettingsTest {

  private static final TenantSettings SETTINGS = TenantSettings.parse(List.of(
      "*:demo=CLP@America/Santiago", "obuma:peru=PEN@America/Lima", "alegra:mx=MXN@America/Mexico_City"));

  @Test
  void anExactProviderWinsOverTheWildcard() {
    TenantSettings settings = TenantSettings.parse(List.of("*:acme=CLP@America/Santiago", "ninox:acme=ARS@America/Argentina/Buenos_Aires"));

    assertThat(settings.of("ninox", "acme").money(java.math.BigDecimal.ONE).getCurrency()).isEqualTo("ARS");
    assertThat(settings.of("bsale", "acme").money(java.math.BigDecimal.ONE).getCurrency()).isEqualTo("CLP");
  }

  @Test
  void aBadEntryFailsAtStartUpNamingTheVariable() {
    assertThatThrownBy(() -> TenantSettings.fromEnv(new Env(Map.of("TENANT_SETTINGS", "obuma:acme=CLP"))))
        .isInstanceOf(Env.ConfigException.class).hasMessageContaining("TENANT_SETTINGS").hasMessageContaining("obuma:acme=CLP");
    assertThatThrownBy(() -> TenantSettings.parse(List.of("obuma:acme=XXQ@America/Santiago")))
        .hasMessageContaining("TENANT_SETTINGS").hasMessageContaining("ISO 4217");
    assertThatThrownBy(() -> TenantSettings.parse(List.of("obuma:acme=CLP@Mars/Olympus")))
        .hasMessageContaining("TENANT_SETTINGS").hasMessageContaining("time zone");
    assertThatThrownBy(() -> TenantSettings.parse(List.of("obuma:acme=CLP@UTC", "obuma:acme=PEN@UTC")))
        .hasMessageContaining("twice");
  }

  @Test
  void eachTenantsAmountsCarryItsOwnCurrency() {
    String body = "{\"venta_id\": 6890000, \"venta_total\": \"11900\", \"venta_estado\": \"EMITIDA\"}";

    assertThat(total(map(new ObumaMapper(SETTINGS), "obuma", "demo", "venta.created", body)).getCurrency()).isEqualTo("CLP");
    assertThat(total(map(new ObumaMapper(SETTINGS), "obuma", "peru", "venta.created", body)).getCurrency()).isEqualTo("PEN");
  }

  @Test
  void thePayloadsCurrencyWinsOverTheTenants() {
    String bill = "{\"subject\":\"new-bill\",\"message\":{\"bill\":{\"id\":\"55\",\"currency\":{\"code\":\"USD\"},\"total\":10}}}";
    String invoice = "{\"subject\":\"new-invoice\",\"message\":{\"invoice\":{\"id\":\"56\",\"total\":10}}}";

    assertThat(total(map(new AlegraMapper(SETTINGS), "alegra", "mx", "alegra.webhook", bill)).getCurrency()).isEqualTo("USD");
    assertThat(total(map(new AlegraMapper(SETTINGS), "alegra", "mx", "alegra.webhook", invoice)).getCurrency()).isEqualTo("MXN");
  }

  @Test
  void localTimesAreReadInTheTenantsZone() {
    String envelope = "{\"eventId\":\"e1\",\"eventType\":\"cliente.updated\",\"eventDate\":\"2025-07-01 10:00:00\","
        + "\"eventData\":{\"cliente_id\":\"1\",\"cliente_dia_registro\":\"01\",\"cliente_mes_registro\":\"07\","
        + "\"cliente_ano_registro\":\"2025\",\"cliente_hora_registro\":\"09:00\"}}";

    Customer chile = (Customer) map(new ObumaMapper(SETTINGS), "obuma", "demo", "obuma.webhook", envelope).get(0).value();
    Customer peru = (Customer) map(new ObumaMapper(SETTINGS), "obuma", "peru", "obuma.webhook", envelope).get(0).value();

    // July: Santiago is UTC-4, Lima UTC-5.
    assertThat(chile.getMetadata().getOccurredAt()).isEqualTo(Instant.parse("2025-07-01T14:00:00Z"));
    assertThat(peru.getMetadata().getOccurredAt()).isEqualTo(Instant.parse("2025-07-01T15:00:00Z"));
    assertThat(chile.getRegisteredAt()).isEqualTo(Instant.parse("2025-07-01T13:00:00Z"));
    assertThat(peru.getRegisteredAt()).isEqualTo(Instant.parse("2025-07-01T14:00:00Z"));
  }

  // Fails on main before this change: the amount was emitted with currency null (Alegra, Bsale).
  @Test
  void aTenantWithoutSettingsIsADeadLetterNamingTheVariableWhenThePayloadDoesNotSay() {
    String invoice = "{\"subject\":\"new-invoice\",\"message\":{\"invoice\":{\"id\":\"56\",\"total\":10}}}";

    MappingResult result = new AlegraMapper(SETTINGS).map(TestEvents.rawFor("alegra", "unknown-tenant", "alegra.webhook", invoice));

    assertThat(result).isInstanceOfSatisfying(MappingResult.Failed.class, failed -> {
      assertThat(failed.step()).isEqualTo(MappingResult.Failed.MAP);
      assertThat(failed.reason()).contains("unknown-tenant").contains("TENANT_SETTINGS");
    });
  }

  @Test
  void aTenantWithoutSettingsIsMappedWhenNothingNeedsThem() {
    String client = "{\"subject\":\"new-client\",\"message\":{\"client\":{\"id\":\"7\",\"name\":\"Ana\"}}}";
    String bill = "{\"subject\":\"new-bill\",\"message\":{\"bill\":{\"id\":\"55\",\"currency\":{\"code\":\"COP\"},\"total\":10}}}";

    assertThat(map(new AlegraMapper(SETTINGS), "alegra", "unknown-tenant", "alegra.webhook", client)).hasSize(1);
    assertThat(total(map(new AlegraMapper(SETTINGS), "alegra", "unknown-tenant", "alegra.webhook", bill)).getCurrency())
        .isEqualTo("COP");
  }

  private static List<CanonicalRecord> map(ProviderMapper mapper, String provider, String tenant, String type, String body) {
    return MappingAssertions.mapped(mapper.map(TestEvents.rawFor(provider, tenant, type, body)));
  }

  private static Money total(List<CanonicalRecord> records) {
    return ((Document) records.get(0).value()).getTotal();
  }
}
