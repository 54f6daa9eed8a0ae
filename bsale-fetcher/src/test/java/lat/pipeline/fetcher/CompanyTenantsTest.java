package lat.pipeline.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import lat.pipeline.config.Env;
import org.junit.jupiter.api.Test;

/** BSALE_COMPANY_TENANTS: parsed once at start-up, a bad value fails it naming the variable. */
class CompanyTenantsTest {

  @Test
  void eachCompanyIsBoundToOneTenant() {
    FetcherConfig config = FetcherConfig.fromEnv(new Env(Map.of("BSALE_COMPANY_TENANTS", " 2=acme, 7 = acme ,9=globex")));
    CompanyTenants tenants = config.companyTenants();
    assertThat(tenants.refusal("2", "acme")).isEmpty();
    assertThat(tenants.refusal("7", "acme")).isEmpty();
    assertThat(tenants.refusal("2", "globex")).get().asString().contains("not bound to tenant globex");
    assertThat(tenants.refusal("5", "acme")).get().asString().contains("bound to no tenant");
  }

  @Test
  void aBadValueFailsStartUpNamingTheVariable() {
    for (String bad : new String[] {"2", "2=", "=acme", "2=acme,,3=x", "2=acme,2=globex"}) {
      assertThatThrownBy(() -> FetcherConfig.fromEnv(new Env(Map.of("BSALE_COMPANY_TENANTS", bad))))
          .as(bad).isInstanceOf(Env.ConfigException.class).hasMessageContaining("BSALE_COMPANY_TENANTS");
    }
  }
}
