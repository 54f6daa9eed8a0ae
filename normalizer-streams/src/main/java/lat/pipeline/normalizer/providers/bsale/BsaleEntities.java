package lat.pipeline.normalizer.providers.bsale;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lat.pipeline.normalizer.mapping.Amounts;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.DocumentStatuses;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.MappingException;
import lat.pipeline.normalizer.mapping.RecordBatch;
import lat.pipeline.normalizer.mapping.SourceFields;
import lat.pipeline.normalizer.mapping.SourceFields.Part;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.schemas.BsaleResources;
import lat.pipeline.schemas.canonical.Document;
import lat.pipeline.schemas.canonical.DocumentKind;
import lat.pipeline.schemas.canonical.DocumentStatus;
import lat.pipeline.schemas.canonical.DocumentLine;
import lat.pipeline.schemas.canonical.Price;
import lat.pipeline.schemas.canonical.Metadata;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.ProductVariant;
import lat.pipeline.schemas.canonical.Stock;
import lat.pipeline.schemas.canonical.Variant;

/**
 * Bsale v1 answers to canonical records. Relations are {@code {href, id}}, {@code state} 0 is
 * active and 1 inactive, lists are {@code {href, count, limit, offset, items, next}}. Variants are
 * an entity of their own ({@code variant:{id}}): a variant answer, and each variant of a product
 * fetched with its variants expanded, is a {@link ProductVariant}, never a product. Prices, stock and
 * document lines name only their variant: the mapper leaves their product (and SKU) to the
 * topology's variant join ({@code lat.pipeline.normalizer.topology.VariantJoin}), which fills them
 * from the variant's last record before anything is emitted ({@code Price.productId} is empty until then).
 */
final class BsaleEntities {

  private static final String ACTIVE_STATE = "0";
  /** A document's state: 0 in force, 1 annulled. */
  private static final Map<String, DocumentStatus> DOCUMENT_STATES = Map.of("0", DocumentStatus.ISSUED, "1", DocumentStatus.VOIDED);
  /** The key of a variant: {@code variant:{id}}, as a variant notification's. */
  static final String VARIANT_PREFIX = "variant:";
  /** {@code Price.productId} until the variant join fills it; never emitted. */
  static final String JOINED = "";

  private static final Set<SourceFields.Declared> FLAGS = Set.of(SourceFields.Declared.FLAG);
  private static final Set<SourceFields.Declared> FLAGS_AND_MONEY = Set.of(SourceFields.Declared.FLAG, SourceFields.Declared.MONEY);

  /** Where a list answer's rows are in the envelope; each row's record carries the envelope but the other rows. */
  private static final String ROWS = BsaleResources.BODY + ".items";

  private BsaleEntities() {}

  /** An answer (status 200) for the notification's resource. */
  static void answered(RecordBatch batch, BsaleNotification notification, JsonNode body, List<JsonNode> details,
      TenantSettings.Tenant tenant) {
    switch (notification.topic()) {
      case "product" -> product(batch, notification, fields(body));
      case "variant" -> variant(batch, notification, fields(body));
      case "price" -> prices(batch, notification, items(body), tenant);
      case "stock" -> stock(batch, notification, items(body));
      case "document" -> document(batch, notification, fields(body), details, tenant);
      default -> {
        // Topics with no entity topic yet (payment, beta): the whole answer as an event.
        JsonFields answer = fields(body);
        batch.addEvent(notification.topic(), notification.resourceId(), answer.object(), answer.attributes());
      }
    }
  }

  /** Status 404: the resource is gone (Bsale deactivates rather than deletes). */
  static void gone(RecordBatch batch, BsaleNotification notification) {
    String id = notification.resourceId();
    Map<String, String> none = Map.of();
    switch (notification.topic()) {
      case "product" -> batch.add(CanonicalEntity.PRODUCT, key(notification),
          metadata -> Product.newBuilder().setMetadata(metadata).setId(id).setActive(false).setAttributes(none).build());
      case "variant" -> batch.add(CanonicalEntity.VARIANT, key(notification),
          // Its product is not in the answer: the variant join fills it from the variant's last record.
          metadata -> variantRecord(metadata, null, Variant.newBuilder().setId(id).setActive(false).setAttributes(none).build()));
      case "price" -> batch.add(CanonicalEntity.PRICE, key(notification),
          metadata -> Price.newBuilder().setMetadata(metadata).setProductId(JOINED).setVariantId(id)
              .setPriceListId(orDash(notification.scope())).setAttributes(none).build());
      case "stock" -> batch.add(CanonicalEntity.STOCK, key(notification),
          metadata -> Stock.newBuilder().setMetadata(metadata).setVariantId(id).setWarehouseId(notification.scope())
              .setQuantity(Amounts.scaled(BigDecimal.ZERO)).setAttributes(none).build());
      case "document" -> batch.add(CanonicalEntity.DOCUMENT, key(notification),
          metadata -> Document.newBuilder().setMetadata(metadata).setId(id).setKind(DocumentKind.BSALE_DOCUMENT)
              .setAttributes(none).build());
      default -> batch.addEvent(notification.topic(), id, notification.fields().object(), Map.of());
    }
  }

  private static void product(RecordBatch batch, BsaleNotification notification, JsonFields body) {
    List<Variant> variants = new ArrayList<>();
    // Present when the answer expands the variants (?expand=[variants]); otherwise only an href.
    if (body.peek("variants.items").isArray()) {
      for (JsonNode item : body.array("variants.items")) {
        variants.add(variant(JsonFields.of(item, "body.variants.items[]")));
      }
      body.use("variants.count", "variants.limit", "variants.offset", "variants.next");
    }
    String productId = orElse(body.id("id"), notification.resourceId());
    Product.Builder product =
        Product.newBuilder()
            .setId(productId)
            .setName(body.text("name"))
            .setDescription(body.text("description"))
            .setActive(active(body))
            .setCategories(listOf(body.id("product_type.id")))
            .setVariants(variants)
            .setFlags(body.typed(BsaleMapper::declared, FLAGS).flags());
    product.setAttributes(body.attributes());
    batch.add(CanonicalEntity.PRODUCT, key(notification), metadata -> product.setMetadata(metadata).build());
    // Each expanded variant is also a record of its own, which the variant join learns from; it
    // carries its own leaves and the product's id.
    for (int i = 0; i < variants.size(); i++) {
      Variant variant = variants.get(i);
      batch.add(CanonicalEntity.VARIANT, VARIANT_PREFIX + variant.getId(),
          Part.of(BsaleResources.BODY + ".id", BsaleResources.BODY + ".variants.items[" + i + "]"),
          metadata -> variantRecord(metadata, productId, variant));
    }
  }

  /** A variant on its own: never a product record, which would overwrite the product's name and state. */
  private static void variant(RecordBatch batch, BsaleNotification notification, JsonFields body) {
    String productId = body.id("product.id");
    Variant variant = variant(body);
    batch.add(CanonicalEntity.VARIANT, key(notification), metadata -> variantRecord(metadata, productId, variant));
  }

  private static ProductVariant variantRecord(Metadata metadata, String productId, Variant variant) {
    return ProductVariant.newBuilder()
        .setMetadata(metadata)
        .setId(variant.getId())
        .setProductId(productId)
        .setSku(variant.getSku())
        .setBarcode(variant.getBarcode())
        .setName(variant.getName())
        .setSize(variant.getSize())
        .setColor(variant.getColor())
        .setActive(variant.getActive())
        .setAttributes(variant.getAttributes())
        .setFlags(variant.getFlags())
        .build();
  }

  private static Variant variant(JsonFields body) {
    Variant.Builder variant =
        Variant.newBuilder()
            .setId(body.requiredId("id"))
            .setSku(body.text("code"))
            .setBarcode(body.text("barCode"))
            .setName(body.text("description"))
            .setActive(active(body))
            .setFlags(body.typed(BsaleMapper::declared, FLAGS).flags());
    return variant.setAttributes(body.attributes()).build();
  }

  private static void prices(
      RecordBatch batch, BsaleNotification notification, List<JsonFields> items, TenantSettings.Tenant tenant) {
    if (items.isEmpty()) {
      gone(batch, notification); // the list no longer prices this variant
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      JsonFields item = items.get(i);
      String variantId = orElse(item.id("variant.id"), notification.resourceId());
      String priceListId = orDash(notification.scope());
      Price.Builder price =
          Price.newBuilder()
              .setProductId(JOINED)
              .setVariantId(variantId)
              .setPriceListId(priceListId)
              .setNet(tenant.money(item.decimal("variantValue")))
              .setWithTaxes(tenant.money(item.decimal("variantValueWithTaxes")));
      price.setAttributes(item.attributes());
      batch.add(CanonicalEntity.PRICE, "price:" + variantId + ":" + priceListId, Part.wholeButOtherRows(ROWS, i, items.size()),
          metadata -> price.setMetadata(metadata).build());
    }
  }

  private static void stock(RecordBatch batch, BsaleNotification notification, List<JsonFields> rows) {
    if (rows.isEmpty()) {
      gone(batch, notification);
      return;
    }
    for (int i = 0; i < rows.size(); i++) {
      JsonFields row = rows.get(i);
      String variantId = orElse(row.id("variant.id"), notification.resourceId());
      String officeId = orElse(row.id("office.id"), notification.scope());
      BigDecimal quantity = row.decimal("quantity");
      if (quantity == null) {
        throw MappingException.map("a stock row of variant " + variantId + " has no quantity");
      }
      Stock.Builder stock =
          Stock.newBuilder()
              .setVariantId(variantId)
              .setWarehouseId(officeId)
              .setQuantity(Amounts.scaled(quantity))
              .setReserved(Amounts.scaled(row.decimal("quantityReserved")))
              .setAvailable(Amounts.scaled(row.decimal("quantityAvailable")));
      stock.setAttributes(row.attributes());
      batch.add(CanonicalEntity.STOCK, "stock:" + variantId + ":" + orDash(officeId), Part.wholeButOtherRows(ROWS, i, rows.size()),
          metadata -> stock.setMetadata(metadata).build());
    }
  }

  private static void document(
      RecordBatch batch, BsaleNotification notification, JsonFields body, List<JsonNode> details, TenantSettings.Tenant tenant) {
    List<DocumentLine> lines = new ArrayList<>();
    for (JsonNode detail : details) {
      JsonFields line = JsonFields.of(detail, "body.details[]");
      BigDecimal lineNumber = line.decimal("lineNumber");
      DocumentLine.Builder built =
          DocumentLine.newBuilder()
              .setLineId(line.id("id"))
              .setLineNumber(lineNumber == null ? null : lineNumber.intValue())
              .setVariantId(line.id("variant.id"))
              .setDescription(line.text("note"))
              .setQuantity(Amounts.scaled(line.decimal("quantity")))
              .setUnitPrice(tenant.money(line.decimal("netUnitValue")))
              .setUnitPriceWithTaxes(tenant.money(line.decimal("totalUnitValue")))
              .setNet(tenant.money(line.decimal("netAmount")))
              .setTax(tenant.money(line.decimal("taxAmount")))
              .setDiscountAmount(tenant.money(line.decimal("netDiscount")))
              .setDiscountAmountWithTaxes(tenant.money(line.decimal("totalDiscount")))
              .setTotal(tenant.money(line.decimal("totalAmount")));
      lines.add(built.setAttributes(line.attributes()).build());
    }
    Document.Builder document =
        Document.newBuilder()
            .setId(orElse(body.id("id"), notification.resourceId()))
            .setKind(DocumentKind.BSALE_DOCUMENT)
            .setDocumentType(body.id("document_type.id"))
            .setNumber(body.id("number"))
            .setStatus(body.id("state"))
            .setNormalizedStatus(DocumentStatuses.of(body.id("state"), DOCUMENT_STATES))
            .setIssueDate(date(body, "emissionDate"))
            .setDueDate(date(body, "expirationDate"))
            .setGeneratedAt(body.timestamp("generationDate", () -> ZoneOffset.UTC))
            .setCounterpartyId(body.id("client.id"))
            .setSellerId(body.id("user.id"))
            .setNet(tenant.money(body.decimal("netAmount")))
            .setTax(tenant.money(body.decimal("taxAmount")))
            .setTotal(tenant.money(body.decimal("totalAmount")))
            .setLines(lines);
    JsonFields.Typed typed = body.typed(BsaleMapper::declared, FLAGS_AND_MONEY);
    document.setFlags(typed.flags()).setAmounts(tenant.money(typed.amounts(), path -> null));
    document.setAttributes(body.attributes());
    batch.add(CanonicalEntity.DOCUMENT, key(notification), metadata -> document.setMetadata(metadata).build());
  }

  /** Bsale dates are Unix seconds at midnight UTC of the day: read in UTC, never in the tenant's zone. */
  private static LocalDate date(JsonFields body, String path) {
    Instant instant = body.timestamp(path, () -> ZoneOffset.UTC);
    return instant == null ? null : LocalDate.ofInstant(instant, ZoneOffset.UTC);
  }

  /** {@code {topic}:{resourceId}[:{scope}]} for prices and stock; {@code {topic}:{resourceId}} otherwise. */
  static String key(BsaleNotification notification) {
    boolean scoped = notification.topic().equals("price") || notification.topic().equals("stock");
    return notification.topic() + ":" + notification.resourceId() + (scoped ? ":" + orDash(notification.scope()) : "");
  }

  private static Boolean active(JsonFields body) {
    String state = body.id("state");
    return state == null ? null : ACTIVE_STATE.equals(state);
  }

  private static JsonFields fields(JsonNode body) {
    return JsonFields.of(body, "body.body");
  }

  private static List<JsonFields> items(JsonNode body) {
    JsonFields list = fields(body);
    List<JsonFields> items = new ArrayList<>();
    for (JsonNode item : list.array("items")) {
      items.add(JsonFields.of(item, "body.body.items[]"));
    }
    return items;
  }

  private static List<String> listOf(String value) {
    return value == null ? List.of() : List.of(value);
  }

  private static String orElse(String value, String fallback) {
    return value == null ? fallback : value;
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }
}
