package lat.pipeline.normalizer.mapping;

import java.util.List;
import java.util.Optional;
import lat.pipeline.normalizer.providers.alegra.AlegraMapper;
import lat.pipeline.normalizer.providers.bsale.BsaleMapper;
import lat.pipeline.normalizer.providers.ninox.NinoxMapper;
import lat.pipeline.normalizer.providers.obuma.ObumaMapper;

/** The one registration list of provider mappers: a new provider is one package plus one line here. */
public final class ProviderMappers {

  private static final List<ProviderMapper> ALL =
      List.of(new ObumaMapper(), new AlegraMapper(), new NinoxMapper(), new BsaleMapper());

  private ProviderMappers() {}

  public static List<ProviderMapper> all() {
    return ALL;
  }

  public static Optional<ProviderMapper> forProvider(String provider) {
    return ALL.stream().filter(m -> m.provider().equals(provider)).findFirst();
  }
}
