package lat.pipeline.fetcher;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import lat.pipeline.fetcher.client.BsaleTokens;

/**
 * Which tenant each Bsale company belongs to ({@code BSALE_COMPANY_TENANTS=cpnId=tenant,...}). The
 * fetcher reads a company's data with that company's token only for notifications that arrived on
 * its tenant's webhook URL: the holder of one tenant's webhook token cannot make it fetch another
 * company's data into their stream. A company not listed is bound to no tenant.
 */
public record CompanyTenants(Map<String, String> tenantByCompany) {

  public static final String VARIABLE = "BSALE_COMPANY_TENANTS";

  public CompanyTenants {
    tenantByCompany = Map.copyOf(tenantByCompany);
  }

  public static CompanyTenants parse(String value) {
    return new CompanyTenants(BsaleTokens.parse(VARIABLE, value, "tenant"));
  }

  /** Why a notification of {@code companyId} that arrived on {@code tenant} must not be fetched, if it must not. */
  public Optional<String> refusal(String companyId, String tenant) {
    String bound = tenantByCompany.get(companyId);
    if (tenant.equals(bound)) {
      return Optional.empty();
    }
    return Optional.of("Bsale company (cpnId) " + companyId + " is not bound to tenant " + tenant + " in " + VARIABLE
        + (bound == null ? " (it is bound to no tenant)" : ""));
  }

  @Override
  public String toString() {
    return "CompanyTenants" + new TreeMap<>(tenantByCompany);
  }
}
