package lat.pipeline.normalizer.providers.alegra;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import lat.pipeline.normalizer.mapping.Amounts;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.DocumentStatuses;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.Lenient;
import lat.pipeline.normalizer.mapping.MappingException;
import lat.pipeline.normalizer.mapping.RecordBatch;
import lat.pipeline.normalizer.mapping.SourceFields;
import lat.pipeline.normalizer.mapping.SourceFields.Part;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Customer;
import lat.pipeline.schemas.canonical.Document;
import lat.pipeline.schemas.canonical.DocumentKind;
import lat.pipeline.schemas.canonical.DocumentStatus;
import lat.pipeline.schemas.canonical.DocumentLine;
import lat.pipeline.schemas.canonical.LineTax;
import lat.pipeline.schemas.canonical.Price;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.Stock;
import lat.pipeline.schemas.canonical.Variant;

/**
 * Alegra objects to canonical records. Alegra's currency depends on the account and is rarely in
 * the payload: Money carries {@code currency.code} when sent, the tenant's currency otherwise.
 */
final class AlegraEntities {

  private static final Map<String, DocumentStatus> STATUSES = Map.of(
      "draft", DocumentStatus.DRAFT, "open", DocumentStatus.ISSUED, "closed", DocumentStatus.CLOSED,
      "voided", DocumentStatus.VOIDED);

  private static final String ITEM = "message.item";
  private static final Set<SourceFields.Declared> MONEY = Set.of(SourceFields.Declared.MONEY);

  private AlegraEntities() {}

  static void customer(RecordBatch batch, JsonFields client, Map<String, String> envelope) {
    String id = client.requiredId("id");
    Customer.Builder customer =
        Customer.newBuilder()
            .setId(id)
            .setLegalName(personName(client))
            .setTaxId(client.firstText("identification", "identification.number", "identificationObject.number"))
            .setEmail(client.text("email"))
            .setPhone(client.text("phonePrimary"))
            .setMobile(client.text("mobile"))
            .setAddress(client.firstText("address.address", "address"))
            .setCity(client.text("address.city"))
            .setRegion(client.text("address.department"))
            .setCountry(client.text("address.country"))
            .setPostalCode(client.text("address.zipCode"))
            .setRoles(texts(client, "type"))
            .setActive(status(client))
            .setFirstName(client.text("name.firstName"))
            .setSecondName(client.text("name.secondName"))
            .setLastName(client.text("name.lastName"))
            .setSecondLastName(client.text("name.secondLastName"));
    customer.setAttributes(merged(client.attributes(), envelope));
    batch.add(CanonicalEntity.CUSTOMER, id, metadata -> customer.setMetadata(metadata).build());
  }

  /** A product, its price in each price list and its stock; a deletion is the product alone. */
  static void item(
      RecordBatch batch, JsonFields item, Action action, Map<String, String> envelope, TenantSettings.Tenant tenant) {
    String id = item.requiredId("id");
    Product.Builder product =
        Product.newBuilder()
            .setId(id)
            .setName(item.text("name"))
            .setDescription(item.text("description"))
            .setSku(item.text("reference"))
            .setUnit(item.text("inventory.unit"))
            .setActive(status(item))
            .setVariants(variants(item))
            .setAmounts(tenant.money(item.typed(AlegraMapper::declared, MONEY).amounts(), path -> null));
    List<Price.Builder> prices = action == Action.DELETED ? List.of() : prices(item, id, tenant);
    List<Stock.Builder> stock = action == Action.DELETED ? List.of() : stock(item, id);
    product.setAttributes(merged(item.attributes(), envelope));

    batch.add(CanonicalEntity.PRODUCT, id, metadata -> product.setMetadata(metadata).build());
    // Prices and stock carry the leaves they were read from, and the item's id.
    for (int i = 0; i < prices.size(); i++) {
      Price.Builder price = prices.get(i);
      batch.add(CanonicalEntity.PRICE, id + ":" + price.getPriceListId(), Part.of(ITEM + ".id", ITEM + ".price[" + i + "]"),
          metadata -> price.setMetadata(metadata).build());
    }
    for (int i = 0; i < stock.size(); i++) {
      Stock.Builder balance = stock.get(i);
      String entityId = balance.getWarehouseId() == null ? id : id + ":" + balance.getWarehouseId();
      String read = balance.getWarehouseId() == null ? ITEM + ".inventory.availableQuantity" : ITEM + ".inventory.warehouses[" + i + "]";
      batch.add(CanonicalEntity.STOCK, entityId, Part.of(ITEM + ".id", read), metadata -> balance.setMetadata(metadata).build());
    }
  }

  /** @param family the Alegra noun, {@code invoice} or {@code bill} */
  static void document(RecordBatch batch, JsonFields doc, String family, DocumentKind kind, String counterpartyPath,
      Map<String, String> envelope, TenantSettings.Tenant tenant) {
    String id = doc.requiredId("id");
    String currency = doc.text("currency.code");
    String status = doc.text("status");
    List<JsonNode> items = doc.has("items") ? doc.array("items") : doc.array("purchases.items");
    List<DocumentLine> lines = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      lines.add(line(JsonFields.of(items.get(i), "items[" + i + "]"), i + 1, tenant, currency));
    }
    Document.Builder document =
        Document.newBuilder()
            .setId(id)
            .setKind(kind)
            .setNumber(doc.firstText("numberTemplate.fullNumber", "number", "numberTemplate.number"))
            .setStatus(status)
            .setNormalizedStatus(DocumentStatuses.of(status, STATUSES))
            .setIssueDate(doc.date("date"))
            .setDueDate(doc.date("dueDate"))
            .setCounterpartyId(doc.id(counterpartyPath))
            .setSellerId(doc.id("seller.id"))
            .setNet(tenant.money(doc.decimal("subtotal"), currency))
            .setTotal(tenant.money(doc.decimal("total"), currency))
            .setPaid(tenant.money(doc.decimal("totalPaid"), currency))
            .setBalance(tenant.money(doc.decimal("balance"), currency))
            .setLines(lines)
            .setAmounts(tenant.money(doc.typed(AlegraMapper::declared, MONEY).amounts(), path -> currency));
    document.setAttributes(merged(doc.attributes(), envelope));
    // Invoices and bills number their ids apart: the key names the kind.
    batch.add(CanonicalEntity.DOCUMENT, family + ":" + id, metadata -> document.setMetadata(metadata).build());
  }

  /** @param number the item's 1-based position: Alegra's items have no line id of their own */
  private static DocumentLine line(JsonFields item, int number, TenantSettings.Tenant tenant, String currency) {
    DocumentLine.Builder line =
        DocumentLine.newBuilder()
            .setLineNumber(number)
            .setProductId(item.id("id"))
            .setSku(item.text("reference"))
            .setName(item.text("name"))
            .setDescription(item.text("description"))
            .setQuantity(Amounts.scaled(item.decimal("quantity")))
            .setUnitPrice(tenant.money(item.decimal("price"), currency))
            .setDiscount(Amounts.scaled(item.decimal("discount")))
            .setTotal(tenant.money(item.decimal("total"), currency))
            .setTaxes(taxes(item, tenant, currency));
    return line.setAttributes(item.attributes()).build();
  }

  /** An item's {@code tax} list: {id, name, percentage, type, amount...} each, as Alegra's taxes read. */
  private static List<LineTax> taxes(JsonFields item, TenantSettings.Tenant tenant, String currency) {
    return item.each("tax", "items[].tax", tax -> {
      LineTax.Builder built =
          LineTax.newBuilder()
              .setId(tax.id("id"))
              .setCode(tax.text("type"))
              .setName(tax.text("name"))
              .setRate(Amounts.scaled(tax.decimal("percentage")))
              .setAmount(tenant.money(tax.decimal("amount"), currency));
      return built.setAttributes(tax.attributes()).build();
    });
  }

  private static List<Variant> variants(JsonFields item) {
    List<JsonNode> nodes = item.array("itemVariants");
    List<Variant> variants = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      JsonFields variant = JsonFields.of(nodes.get(i), "message.item.itemVariants[" + i + "]");
      Variant.Builder builder =
          Variant.newBuilder()
              .setId(variant.requiredId("id"))
              .setSku(variant.text("reference"))
              .setName(variant.text("name"))
              .setActive(status(variant));
      variants.add(builder.setAttributes(variant.attributes()).build());
    }
    return variants;
  }

  private static List<Price.Builder> prices(JsonFields item, String productId, TenantSettings.Tenant tenant) {
    List<JsonNode> nodes = item.array("price");
    List<Price.Builder> prices = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      String where = "message.item.price[" + i + "]";
      JsonFields price = JsonFields.of(nodes.get(i), where);
      String priceListId = price.firstId("idPriceList", "id");
      BigDecimal amount = price.decimal("price");
      if (priceListId == null || amount == null) {
        throw MappingException.map(where + " lacks a price list id or a numeric price");
      }
      prices.add(
          Price.newBuilder()
              .setProductId(productId)
              .setPriceListId(priceListId)
              .setNet(tenant.money(amount, price.text("currency.code")))
              .setAttributes(price.attributes()));
    }
    return prices;
  }

  /**
   * One balance per warehouse when Alegra gives per-warehouse quantities; otherwise one total
   * (the warehouse list then stays in the product's attributes).
   */
  private static List<Stock.Builder> stock(JsonFields item, String productId) {
    BigDecimal total = item.decimal("inventory.availableQuantity");
    JsonNode warehouses = item.peek("inventory.warehouses");
    List<Stock.Builder> stock = new ArrayList<>();
    if (warehouses.isArray() && !warehouses.isEmpty() && everyHas(warehouses, "availableQuantity")) {
      item.use("inventory.warehouses");
      for (int i = 0; i < warehouses.size(); i++) {
        JsonFields warehouse = JsonFields.of(warehouses.get(i), "message.item.inventory.warehouses[" + i + "]");
        stock.add(
            Stock.newBuilder()
                .setProductId(productId)
                .setWarehouseId(warehouse.id("id"))
                .setQuantity(Amounts.scaled(warehouse.decimal("availableQuantity")))
                .setAttributes(warehouse.attributes()));
      }
    } else if (total != null) {
      stock.add(Stock.newBuilder().setProductId(productId).setQuantity(Amounts.scaled(total)).setAttributes(Map.of()));
    }
    return stock;
  }

  private static boolean everyHas(JsonNode array, String field) {
    for (JsonNode element : array) {
      if (!element.isObject() || Lenient.decimal(element.path(field)).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Alegra names a contact either in parts (firstName...) or whole (name as text, or fullName). */
  private static String personName(JsonFields contact) {
    if (!contact.peek("name").isObject()) {
      return contact.text("name");
    }
    String whole = contact.firstText("name.fullName", "name.fullname");
    if (whole != null) {
      return whole;
    }
    List<String> parts =
        Stream.of("firstName", "secondName", "lastName", "secondLastName")
            .map(part -> contact.text("name." + part))
            .filter(Objects::nonNull)
            .toList();
    return parts.isEmpty() ? null : String.join(" ", parts);
  }

  /** "active" / "inactive" as a flag; any other status stays in the attributes. */
  private static Boolean status(JsonFields fields) {
    return fields.read(
        "status",
        node ->
            switch (Lenient.text(node).orElse("")) {
              case "active" -> Optional.of(true);
              case "inactive" -> Optional.of(false);
              default -> Optional.empty();
            });
  }

  /** A list of texts from an array of strings, or from a single string. */
  private static List<String> texts(JsonFields fields, String path) {
    JsonNode node = fields.peek(path);
    if (node.isTextual()) {
      String text = fields.text(path);
      return text == null ? List.of() : List.of(text);
    }
    List<String> texts = new ArrayList<>();
    fields.array(path).forEach(element -> Lenient.text(element).ifPresent(texts::add));
    return texts;
  }

  private static Map<String, String> merged(Map<String, String> attributes, Map<String, String> envelope) {
    Map<String, String> all = new LinkedHashMap<>(attributes);
    envelope.forEach((path, value) -> all.put("envelope." + path, value));
    return all;
  }
}
