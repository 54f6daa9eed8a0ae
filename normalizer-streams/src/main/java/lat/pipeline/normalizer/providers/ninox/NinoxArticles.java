package lat.pipeline.normalizer.providers.ninox;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lat.pipeline.normalizer.mapping.Amounts;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.Lenient;
import lat.pipeline.normalizer.mapping.RecordBatch;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.schemas.canonical.Price;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.Stock;
import lat.pipeline.schemas.canonical.Variant;

/**
 * A NinoxNet article to one product with its size/colour variants, one price per price list
 * (precio1..5 as lists "1".."5", taxes included, in the tenant's currency: NinoxNet never names it)
 * and one stock balance per variant.
 */
final class NinoxArticles {

  private static final int PRICE_LISTS = 5;

  /** The fields of a flat row that describe the article, repeated on every row. */
  private static final Set<String> ARTICLE_FIELDS =
      Set.of(
          "articuloId", "codigo", "descripcion", "descripcionWeb", "nombre", "talleColor",
          "precio1", "precio2", "precio3", "precio4", "precio5", "stockTotal",
          "etiquetasIds", "etiquetasNombres", "categoriasIds", "categoriasNombres");

  /** The tag kind (tipo) of a category in the complex body; 0 is a label (etiqueta). */
  private static final String CATEGORY_TAG_KIND = "1";

  private NinoxArticles() {}

  /** Rows of one article: article fields from the first row, variant fields from each. */
  static void addFlat(RecordBatch batch, List<JsonNode> rows, TenantSettings.Tenant tenant) {
    JsonFields article = JsonFields.of(rows.get(0), "body[0]");
    Product.Builder product = product(article);
    product.setTags(split(article.text("etiquetasNombres")));
    product.setCategories(split(article.text("categoriasNombres")));
    List<JsonFields> variantRows = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      JsonFields row = JsonFields.of(rows.get(i), "body[" + i + "]");
      row.use(ARTICLE_FIELDS.toArray(String[]::new));
      variantRows.add(row);
    }
    // Fields new to us on a row (e.g. stockDepositos) are kept on that row's variant.
    addArticle(batch, article, product, variantRows, true, null, tenant);
  }

  static void addComplex(RecordBatch batch, JsonFields article, TenantSettings.Tenant tenant) {
    Product.Builder product = product(article);
    List<String> tags = new ArrayList<>();
    List<String> categories = new ArrayList<>();
    // Tag names only; the tag list itself stays in the attributes with its ids and hierarchy.
    for (JsonNode tag : article.peek("tags")) {
      boolean category = Lenient.id(tag.path("tipo")).filter(CATEGORY_TAG_KIND::equals).isPresent();
      Lenient.text(tag.path("tagNombre")).ifPresent((category ? categories : tags)::add);
    }
    product.setTags(tags).setCategories(categories);
    List<JsonNode> curve = article.array("curva");
    List<JsonFields> variantRows = new ArrayList<>();
    for (int i = 0; i < curve.size(); i++) {
      JsonFields row = JsonFields.of(curve.get(i), "body.curva[" + i + "]");
      row.use("articuloId");
      variantRows.add(row);
    }
    // The complex body has no per-row flag: an article-level eliminado, when sent, says it.
    addArticle(batch, article, product, variantRows, false, article.flag("eliminado"), tenant);
  }

  private static Product.Builder product(JsonFields article) {
    return Product.newBuilder()
        .setId(article.requiredId("articuloId"))
        .setSku(article.text("codigo"))
        .setName(article.text("descripcion"))
        .setDescription(article.text("descripcionWeb"));
  }

  /**
   * @param onlyArticleFields true for a flat row, whose other fields belong to its variant
   * @param articleRemoved the article's own eliminado flag; null when it has none (the rows say)
   */
  private static void addArticle(
      RecordBatch batch, JsonFields article, Product.Builder product, List<JsonFields> variantRows, boolean onlyArticleFields,
      Boolean articleRemoved, TenantSettings.Tenant tenant) {
    String id = product.getId();
    List<Price.Builder> prices = new ArrayList<>();
    for (int list = 1; list <= PRICE_LISTS; list++) {
      BigDecimal amount = article.decimal("precio" + list);
      if (amount != null) {
        prices.add(
            Price.newBuilder()
                .setProductId(id)
                .setPriceListId(String.valueOf(list))
                .setWithTaxes(tenant.money(amount))
                .setAttributes(Map.of()));
      }
    }
    List<Variant> variants = new ArrayList<>();
    List<Stock.Builder> stock = new ArrayList<>();
    List<Boolean> removed = new ArrayList<>();
    for (JsonFields row : variantRows) {
      String variantId = String.join("-", id, orZero(row.id("colorId")), orZero(row.id("talleId")));
      Boolean eliminado = row.flag("eliminado");
      removed.add(eliminado);
      BigDecimal units = row.decimal("unidades");
      Variant.Builder variant =
          Variant.newBuilder()
              .setId(variantId)
              .setSize(row.text("talleNombre"))
              .setColor(row.text("colorNombre"))
              .setActive(eliminado == null ? null : !eliminado);
      variants.add(variant.setAttributes(row.attributes()).build());
      if (units != null) {
        stock.add(Stock.newBuilder().setProductId(id).setVariantId(variantId).setQuantity(Amounts.scaled(units)).setAttributes(Map.of()));
      }
    }
    Map<String, String> attributes = new LinkedHashMap<>(article.attributes());
    if (onlyArticleFields) {
      attributes.keySet().retainAll(ARTICLE_FIELDS);
    }
    product.setVariants(variants).setActive(articleRemoved != null ? !articleRemoved : active(removed)).setAttributes(attributes);

    batch.add(CanonicalEntity.PRODUCT, id, metadata -> product.setMetadata(metadata).build());
    prices.forEach(price -> batch.add(CanonicalEntity.PRICE, id + ":" + price.getPriceListId(), metadata -> price.setMetadata(metadata).build()));
    stock.forEach(balance -> batch.add(CanonicalEntity.STOCK, balance.getVariantId(), metadata -> balance.setMetadata(metadata).build()));
  }

  /**
   * A snapshot is of an article in the integration (its deactivation has a body of its own): active
   * unless every row says {@code eliminado}; a row that does not say is not removed.
   */
  private static boolean active(List<Boolean> removed) {
    return removed.isEmpty() || removed.contains(null) || removed.contains(Boolean.FALSE);
  }

  private static String orZero(String id) {
    return id == null ? "0" : id;
  }

  private static List<String> split(String commaSeparated) {
    if (commaSeparated == null) {
      return List.of();
    }
    return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
