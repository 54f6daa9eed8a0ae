package lat.pipeline.normalizer.providers.ninox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.Json;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.Lenient;
import lat.pipeline.normalizer.mapping.MappingException;
import lat.pipeline.normalizer.mapping.MappingGuard;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.RecordBatch;
import lat.pipeline.normalizer.mapping.SourceFields;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Product;

/**
 * NinoxNet (Argentina). Three bodies, told apart by shape: the flat array ArticuloConCurva[] (one
 * row per size/colour), the complex Articulo object with curva[] and tags[], and the deactivation
 * {@code {articuloId, eliminado: true}}. Each change is a full snapshot of the article (action
 * UPSERTED, active unless every row says {@code eliminado}); the deactivation is DEACTIVATED. No event id, time or tenant in the body, and NinoxNet never retries: every delivery
 * is a change unless it equals the article's last state, so the delivery id is the article id plus
 * the receipt, never a hash of the body.
 */
public final class NinoxMapper implements ProviderMapper {

  static final String FLAT = "articulo.flat";
  static final String COMPLEX = "articulo.complex";
  static final String DEACTIVATED = "articulo.deactivated";

  private final TenantSettings settings;

  public NinoxMapper(TenantSettings settings) {
    this.settings = settings;
  }

  @Override
  public String provider() {
    return "ninox";
  }

  @Override
  public MappingResult map(RawEvent raw) {
    return MappingGuard.run(() -> mapOrThrow(raw));
  }

  private List<CanonicalRecord> mapOrThrow(RawEvent raw) {
    JsonNode body = Json.parse(raw.body(), "body");
    // NinoxNet's JSON types say it all.
    SourceFields.Source source = new SourceFields.Source(provider(), body, field -> null);
    if (body.isArray()) {
      return flat(raw, body, source);
    }
    JsonFields article = JsonFields.of(body, "body");
    if (!article.has("articuloId")) {
      String deliveryId = RecordBatch.deliveryId(raw, "unknown", RecordBatch.receipt(raw));
      return new RecordBatch(raw, deliveryId, "ninox.webhook", Action.UNKNOWN, null)
          .source(source)
          .addEvent("unknown", null, body, Map.of())
          .records();
    }
    boolean deactivation = Lenient.flag(body.path("eliminado")).orElse(false) && !body.has("curva");
    return deactivation ? deactivated(raw, article, source) : complex(raw, article, source);
  }

  private List<CanonicalRecord> flat(RawEvent raw, JsonNode rows, SourceFields.Source source) {
    if (rows.isEmpty()) {
      throw MappingException.map("article array is empty");
    }
    Map<String, List<NinoxArticles.Row>> rowsByArticle = new LinkedHashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      String articleId = JsonFields.of(rows.get(i), "body[" + i + "]").requiredId("articuloId");
      rowsByArticle.computeIfAbsent(articleId, id -> new ArrayList<>()).add(new NinoxArticles.Row(rows.get(i), "[" + i + "]"));
    }
    RecordBatch batch =
        new RecordBatch(raw, deliveryId(raw, String.join(",", rowsByArticle.keySet())), FLAT, Action.UPSERTED, null)
            .source(source);
    TenantSettings.Tenant tenant = settings.of(raw.provider(), raw.tenant());
    rowsByArticle.values().forEach(articleRows -> NinoxArticles.addFlat(batch, articleRows, tenant));
    return batch.records();
  }

  private List<CanonicalRecord> complex(RawEvent raw, JsonFields article, SourceFields.Source source) {
    String id = article.requiredId("articuloId");
    RecordBatch batch = new RecordBatch(raw, deliveryId(raw, id), COMPLEX, Action.UPSERTED, null).source(source);
    NinoxArticles.addComplex(batch, article, settings.of(raw.provider(), raw.tenant()));
    return batch.records();
  }

  private static List<CanonicalRecord> deactivated(RawEvent raw, JsonFields article, SourceFields.Source source) {
    String id = article.requiredId("articuloId");
    article.use("eliminado");
    Product.Builder product = Product.newBuilder().setId(id).setActive(false).setAttributes(article.attributes());
    // NinoxNet deactivates, never deletes: the article may come back with a later snapshot.
    return new RecordBatch(raw, deliveryId(raw, id), DEACTIVATED, Action.DEACTIVATED, null)
        .partial()
        .source(source)
        .add(CanonicalEntity.PRODUCT, id, metadata -> product.setMetadata(metadata).build())
        .records();
  }

  private static String deliveryId(RawEvent raw, String articleIds) {
    return RecordBatch.deliveryId(raw, "articulo", articleIds, RecordBatch.receipt(raw));
  }
}
