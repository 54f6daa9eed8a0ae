package lat.pipeline.normalizer.providers;

import java.util.List;
import java.util.Optional;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.normalizer.providers.alegra.AlegraMapper;
import lat.pipeline.normalizer.providers.bsale.BsaleMapper;
import lat.pipeline.normalizer.providers.ninox.NinoxMapper;
import lat.pipeline.normalizer.providers.obuma.ObumaMapper;

/**
 * The one registration list of provider mappers, where the providers are composed: a new provider is
 * one package under {@code providers} plus one line here. {@code mapping} holds what the mappers
 * share and knows none of them.
 */
public final class ProviderMappers {

  private ProviderMappers() {}

  /** @param settings what the tenants' payloads do not say: currency and time zone */
  public static List<ProviderMapper> all(TenantSettings settings) {
    return List.of(
        new ObumaMapper(settings), new AlegraMapper(settings), new NinoxMapper(settings), new BsaleMapper(settings));
  }

  public static Optional<ProviderMapper> forProvider(String provider, TenantSettings settings) {
    return all(settings).stream().filter(m -> m.provider().equals(provider)).findFirst();
  }
}
