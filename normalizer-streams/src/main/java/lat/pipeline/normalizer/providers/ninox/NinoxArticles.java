package lat.pipeline.normalizer.providers.ninox;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import lat.pipeline.normalizer.mapping.Amounts;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.Json;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.Lenient;
import lat.pipeline.normalizer.mapping.RecordBatch;
import lat.pipeline.normalizer.mapping.SourceFields.Part;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.schemas.canonical.Price;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.ProductTag;
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

  /** The tag kind (tipo) in the complex body: 0 a label (etiqueta), 1 a category. */
  private static final String LABEL_TAG_KIND = "0";
  private static final String CATEGORY_TAG_KIND = "1";

  /** One row of an article, with where it is in the payload ({@code [2]}, {@code curva[0]}). */
  record Row(JsonNode node, String path) {}

  private NinoxArticles() {}

  /**
   * Rows of one article: article fields from the first row, variant fields from each. A later row
   * whose article field says something else than the first keeps it on its own variant.
   */
  static void addFlat(RecordBatch batch, List<Row> rows, TenantSettings.Tenant tenant) {
    JsonFields article = JsonFields.of(rows.get(0).node(), "body" + rows.get(0).path());
    Product.Builder product = product(article);
    product.setTags(split(article.text("etiquetasNombres")));
    product.setCategories(split(article.text("categoriasNombres")));
    List<ProductTag> taxonomy = new ArrayList<>(pairs(article.text("etiquetasIds"), article.text("etiquetasNombres"), false));
    taxonomy.addAll(pairs(article.text("categoriasIds"), article.text("categoriasNombres"), true));
    product.setTaxonomy(taxonomy);
    List<JsonFields> variantRows = new ArrayList<>();
    for (Row row : rows) {
      JsonFields fields = JsonFields.of(row.node(), "body" + row.path());
      for (String field : ARTICLE_FIELDS) {
        if (Objects.equals(canonical(fields.peek(field)), canonical(article.peek(field)))) {
          fields.use(field);
        }
      }
      variantRows.add(fields);
    }
    List<String> rowPaths = rows.stream().map(Row::path).toList();
    // Fields new to us on a row (e.g. stockDepositos) are kept on that row's variant.
    addArticle(batch, article, product, variantRows, rowPaths, Part.of(rowPaths), true, null, tenant);
  }

  static void addComplex(RecordBatch batch, JsonFields article, TenantSettings.Tenant tenant) {
    Product.Builder product = product(article);
    List<String> tags = new ArrayList<>();
    List<String> categories = new ArrayList<>();
    List<ProductTag> taxonomy = new ArrayList<>();
    List<JsonNode> tagNodes = article.array("tags");
    for (int i = 0; i < tagNodes.size(); i++) {
      JsonFields tag = JsonFields.of(tagNodes.get(i), "body.tags[" + i + "]");
      String kind = tag.id("tipo");
      Boolean category = CATEGORY_TAG_KIND.equals(kind) ? Boolean.TRUE : LABEL_TAG_KIND.equals(kind) ? Boolean.FALSE : null;
      if (category != null) {
        tag.use("tipo");
      }
      ProductTag.Builder entry =
          ProductTag.newBuilder()
              .setId(tag.id("tagId"))
              .setName(tag.text("tagNombre"))
              .setCategory(category)
              .setParentId(tag.id("padreId"))
              .setFeatured(tag.flag("destacada"));
      if (entry.getName() != null) {
        (Boolean.TRUE.equals(category) ? categories : tags).add(entry.getName());
      }
      taxonomy.add(entry.setAttributes(tag.attributes()).build());
    }
    product.setTags(tags).setCategories(categories).setTaxonomy(taxonomy);
    List<JsonNode> curve = article.array("curva");
    List<JsonFields> variantRows = new ArrayList<>();
    List<String> rowPaths = new ArrayList<>();
    for (int i = 0; i < curve.size(); i++) {
      JsonFields row = JsonFields.of(curve.get(i), "body.curva[" + i + "]");
      row.use("articuloId");
      variantRows.add(row);
      rowPaths.add("curva[" + i + "]");
    }
    // The complex body has no per-row flag: an article-level eliminado, when sent, says it.
    addArticle(batch, article, product, variantRows, rowPaths, Part.whole(), false, article.flag("eliminado"), tenant);
  }

  private static Product.Builder product(JsonFields article) {
    return Product.newBuilder()
        .setId(article.requiredId("articuloId"))
        .setSku(article.text("codigo"))
        .setName(article.text("descripcion"))
        .setDescription(article.text("descripcionWeb"));
  }

  /**
   * @param rowPaths where each variant row is in the payload: {@code [i]} (flat) or {@code curva[i]}
   * @param productPart the leaves the product was made from: its rows (flat) or the whole body
   * @param onlyArticleFields true for a flat row, whose other fields belong to its variant
   * @param articleRemoved the article's own eliminado flag; null when it has none (the rows say)
   */
  private static void addArticle(
      RecordBatch batch, JsonFields article, Product.Builder product, List<JsonFields> variantRows, List<String> rowPaths,
      Part productPart, boolean onlyArticleFields, Boolean articleRemoved, TenantSettings.Tenant tenant) {
    String id = product.getId();
    // A flat body says the article on every row ([i].precio1); the complex one once (precio1).
    List<String> articlePaths = onlyArticleFields ? rowPaths : List.of("");
    List<Price.Builder> prices = new ArrayList<>();
    List<Part> priceParts = new ArrayList<>();
    for (int list = 1; list <= PRICE_LISTS; list++) {
      BigDecimal amount = article.decimal("precio" + list);
      if (amount != null) {
        prices.add(
            Price.newBuilder()
                .setProductId(id)
                .setPriceListId(String.valueOf(list))
                .setWithTaxes(tenant.money(amount))
                .setAttributes(Map.of()));
        priceParts.add(Part.of(leaves(articlePaths, "articuloId", "precio" + list)));
      }
    }
    List<Variant> variants = new ArrayList<>();
    List<Stock.Builder> stock = new ArrayList<>();
    List<Part> stockParts = new ArrayList<>();
    List<Boolean> removed = new ArrayList<>();
    for (int i = 0; i < variantRows.size(); i++) {
      JsonFields row = variantRows.get(i);
      String colorId = row.id("colorId");
      String sizeId = row.id("talleId");
      String variantId = String.join("-", id, orZero(colorId), orZero(sizeId));
      Boolean eliminado = row.flag("eliminado");
      removed.add(eliminado);
      BigDecimal units = row.decimal("unidades");
      Variant.Builder variant =
          Variant.newBuilder()
              .setId(variantId)
              .setSize(row.text("talleNombre"))
              .setColor(row.text("colorNombre"))
              .setColorId(colorId)
              .setSizeId(sizeId)
              .setColorCode(row.text("colorCodigo"))
              .setSizeCode(row.text("talleCodigo"))
              .setColorHex(row.text("colorHex"))
              .setActive(eliminado == null ? null : !eliminado);
      variants.add(variant.setAttributes(row.attributes()).build());
      if (units != null) {
        stock.add(Stock.newBuilder().setProductId(id).setVariantId(variantId).setQuantity(Amounts.scaled(units)).setAttributes(Map.of()));
        stockParts.add(Part.of(rowPaths.get(i)));
      }
    }
    Map<String, String> attributes = new LinkedHashMap<>(article.attributes());
    if (onlyArticleFields) {
      attributes.keySet().retainAll(ARTICLE_FIELDS);
    }
    product.setVariants(variants).setActive(articleRemoved != null ? !articleRemoved : active(removed)).setAttributes(attributes);

    batch.add(CanonicalEntity.PRODUCT, id, productPart, metadata -> product.setMetadata(metadata).build());
    for (int i = 0; i < prices.size(); i++) {
      Price.Builder price = prices.get(i);
      batch.add(CanonicalEntity.PRICE, id + ":" + price.getPriceListId(), priceParts.get(i), metadata -> price.setMetadata(metadata).build());
    }
    for (int i = 0; i < stock.size(); i++) {
      Stock.Builder balance = stock.get(i);
      batch.add(CanonicalEntity.STOCK, balance.getVariantId(), stockParts.get(i), metadata -> balance.setMetadata(metadata).build());
    }
  }

  /** {@code [0].precio1}, {@code [1].precio1}...: the named leaves under each of the paths. */
  private static List<String> leaves(List<String> paths, String... names) {
    List<String> leaves = new ArrayList<>();
    for (String path : paths) {
      for (String name : names) {
        leaves.add(path.isEmpty() ? name : path + "." + name);
      }
    }
    return leaves;
  }

  /**
   * A snapshot is of an article in the integration (its deactivation has a body of its own): active
   * unless every row says {@code eliminado}; a row that does not say is not removed.
   */
  private static boolean active(List<Boolean> removed) {
    return removed.isEmpty() || removed.contains(null) || removed.contains(Boolean.FALSE);
  }

  /** The flat body's tags: ids and names in two comma-separated lists, paired by position. */
  private static List<ProductTag> pairs(String ids, String names, boolean category) {
    List<String> idList = split(ids);
    List<String> nameList = split(names);
    List<ProductTag> tags = new ArrayList<>();
    for (int i = 0; i < Math.max(idList.size(), nameList.size()); i++) {
      tags.add(ProductTag.newBuilder()
          .setId(i < idList.size() ? idList.get(i) : null)
          .setName(i < nameList.size() ? nameList.get(i) : null)
          .setCategory(category)
          .setAttributes(Map.of())
          .build());
    }
    return tags;
  }

  private static String canonical(JsonNode node) {
    return Lenient.isAbsent(node) ? null : Json.canonical(node);
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
