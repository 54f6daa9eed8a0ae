package lat.pipeline.normalizer.providers.obuma;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lat.pipeline.normalizer.mapping.Amounts;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.DocumentStatuses;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.Lenient;
import lat.pipeline.normalizer.mapping.MappingException;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.RecordBatch;
import lat.pipeline.normalizer.mapping.SourceFields;
import lat.pipeline.normalizer.mapping.SourceFields.Part;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Customer;
import lat.pipeline.schemas.canonical.Document;
import lat.pipeline.schemas.canonical.DocumentKind;
import lat.pipeline.schemas.canonical.DocumentStatus;
import lat.pipeline.schemas.canonical.Price;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.Stock;

/** OBUMA event data to customers, products with their base price, stock and documents. */
final class ObumaEntities {

  /** OBUMA's product price is not in a price list: it is the product's own. */
  static final String BASE_PRICE_LIST = "base";
  /** The product price fields name their currency: producto_precio_clp_neto, producto_precio_clp_total. */
  private static final String PRICE_FIELDS_CURRENCY = "CLP";

  /** The statuses OBUMA's documents show (quotes, sales, sales notes). */
  private static final Map<String, DocumentStatus> STATUSES = Map.of(
      "pendiente", DocumentStatus.ISSUED, "en proceso", DocumentStatus.ISSUED, "emitida", DocumentStatus.ISSUED,
      "picked", DocumentStatus.ISSUED, "aprobada", DocumentStatus.CLOSED, "pagada", DocumentStatus.CLOSED,
      "rechazada", DocumentStatus.VOIDED, "anulada", DocumentStatus.VOIDED, "borrador", DocumentStatus.DRAFT);

  private ObumaEntities() {}

  static List<CanonicalRecord> customer(RawEvent raw, ObumaDelivery delivery, Action action, TenantSettings.Tenant tenant) {
    JsonFields data = JsonFields.of(delivery.data(), "eventData");
    String id = data.requiredId("cliente_id");
    Instant registeredAt =
        Lenient.splitDateTime(
                data.peek("cliente_dia_registro"),
                data.peek("cliente_mes_registro"),
                data.peek("cliente_ano_registro"),
                data.peek("cliente_hora_registro"),
                tenant::zone)
            .orElse(null);
    if (registeredAt != null) {
      data.use("cliente_dia_registro", "cliente_mes_registro", "cliente_ano_registro", "cliente_hora_registro");
    }
    // The password hash is a credential: it is deliberately not carried into the canonical topics.
    data.use("cliente_clave");
    Customer.Builder customer =
        Customer.newBuilder()
            .setId(id)
            .setTaxId(data.text("cliente_rut"))
            .setLegalName(data.text("cliente_razon_social"))
            .setTradeName(data.text("cliente_nombre_fantasia"))
            .setContactName(data.text("cliente_contacto"))
            .setEmail(data.text("cliente_email"))
            .setPhone(data.text("cliente_telefono"))
            .setMobile(data.text("cliente_celular"))
            .setAddress(data.text("cliente_direccion_facturacion"))
            .setCity(data.text("cliente_comuna_facturacion"))
            .setRegion(data.text("cliente_region_facturacion"))
            .setCountry(data.text("cliente_pais"))
            .setActive(data.flag("cliente_activo"))
            .setRegisteredAt(registeredAt)
            .setFlags(data.typed(ObumaMapper::declared, Set.of(SourceFields.Declared.FLAG)).flags());
    customer.setAttributes(withEnvelope(data.attributes(), delivery));
    // An update's registration date is not when the update happened: only a creation may use it.
    Instant sourceTime = delivery.eventDate() != null ? delivery.eventDate() : action == Action.CREATED ? registeredAt : null;
    return new RecordBatch(raw, delivery.deliveryId(), delivery.eventKey(), action, sourceTime)
        .source(delivery.source())
        .add(CanonicalEntity.CUSTOMER, id, metadata -> customer.setMetadata(metadata).build())
        .records();
  }

  static List<CanonicalRecord> product(RawEvent raw, ObumaDelivery delivery, Action action, TenantSettings.Tenant tenant) {
    JsonFields data = JsonFields.of(delivery.data(), "eventData");
    String id = data.requiredId("producto_id");
    BigDecimal net = data.decimal("producto_precio_clp_neto");
    BigDecimal total = data.decimal("producto_precio_clp_total");
    BigDecimal tax = data.decimal("producto_precio_clp_iva");
    String taxAsSent = tax == null ? data.text("producto_precio_clp_iva") : null; // not a number: kept as sent
    Product.Builder product =
        Product.newBuilder()
            .setId(id)
            .setSku(data.text("producto_codigo_comercial"))
            .setBarcode(data.text("producto_codigo_barra"))
            .setName(data.text("producto_nombre"))
            .setDescription(data.text("producto_descripcion"))
            .setUnit(data.text("producto_unidad_medida"))
            .setActive(data.flag("producto_activo"));
    JsonFields.Typed typed = data.typed(ObumaMapper::declared, EnumSet.allOf(SourceFields.Declared.class));
    product.setFlags(typed.flags()).setAmounts(tenant.money(typed.amounts(), ObumaMapper::currencyOf)).setDates(typed.dates());
    product.setAttributes(withEnvelope(data.attributes(), delivery));

    RecordBatch batch =
        new RecordBatch(raw, delivery.deliveryId(), delivery.eventKey(), action, delivery.eventDate())
            .source(delivery.source())
            .add(CanonicalEntity.PRODUCT, id, metadata -> product.setMetadata(metadata).build());
    if (net != null || total != null) {
      Map<String, String> priceAttributes = new LinkedHashMap<>();
      if (taxAsSent != null) {
        priceAttributes.put("producto_precio_clp_iva", taxAsSent);
      }
      batch.add(
          CanonicalEntity.PRICE,
          id + ":" + BASE_PRICE_LIST,
          Part.of("producto_id", "producto_precio_clp_neto", "producto_precio_clp_iva", "producto_precio_clp_total"),
          metadata ->
              Price.newBuilder()
                  .setMetadata(metadata)
                  .setProductId(id)
                  .setPriceListId(BASE_PRICE_LIST)
                  .setNet(tenant.money(net, PRICE_FIELDS_CURRENCY))
                  .setWithTaxes(tenant.money(total, PRICE_FIELDS_CURRENCY))
                  .setTax(tenant.money(tax, PRICE_FIELDS_CURRENCY))
                  .setAttributes(priceAttributes)
                  .build());
    }
    return batch.records();
  }

  /** productoStock.created: {@code items[]}, one balance per product and warehouse (bodega). */
  static List<CanonicalRecord> stock(RawEvent raw, ObumaDelivery delivery) {
    JsonFields data = JsonFields.of(delivery.data(), "eventData");
    List<JsonNode> items = data.array("items");
    if (items.isEmpty()) {
      throw MappingException.map("productoStock without items");
    }
    Map<String, String> shared = withEnvelope(data.attributes(), delivery);
    RecordBatch batch = new RecordBatch(raw, delivery.deliveryId(), delivery.eventKey(), Action.UPSERTED, delivery.eventDate())
        .source(delivery.source());
    for (int i = 0; i < items.size(); i++) {
      JsonFields item = JsonFields.of(items.get(i), "eventData.items[" + i + "]");
      String productId = item.requiredId("rel_producto_id");
      String warehouseId = item.id("rel_bodega_id");
      BigDecimal balance = item.decimal("pi_saldo");
      if (balance == null) {
        throw MappingException.map("eventData.items[" + i + "].pi_saldo is missing or not a number");
      }
      Stock.Builder stock =
          Stock.newBuilder()
              .setProductId(productId)
              .setWarehouseId(warehouseId)
              .setSku(item.text("producto_codigo_comercial"))
              .setQuantity(Amounts.scaled(balance));
      Map<String, String> attributes = new LinkedHashMap<>(shared);
      attributes.putAll(item.attributes());
      stock.setAttributes(attributes);
      String entityId = warehouseId == null ? productId : productId + ":" + warehouseId;
      batch.add(CanonicalEntity.STOCK, entityId, Part.wholeButOtherRows("items", i, items.size()), metadata -> stock.setMetadata(metadata).build());
    }
    return batch.records();
  }

  /**
   * Quotes (cotizacion_*) and sales (venta_*, including sales notes venta_4). Most events carry
   * only the id and what changed; the rest of the document stays null. Quotes and sales number
   * their ids apart, so the key names the family: {@code cotizacion:1016222}, {@code venta:6890000}.
   */
  static List<CanonicalRecord> document(
      RawEvent raw, ObumaDelivery delivery, Action action, TenantSettings.Tenant tenant, DocumentKind kind, String prefix) {
    JsonFields data = JsonFields.of(delivery.data(), "eventData");
    String id = data.requiredId(prefix + "_id");
    String status = data.text(prefix + "_estado");
    Document.Builder document =
        Document.newBuilder()
            .setId(id)
            .setKind(kind)
            .setDocumentType(data.text(prefix + "_tipo_dcto"))
            .setNumber(data.firstText(prefix + "_folio", prefix + "_nro_dcto"))
            .setStatus(status)
            .setNormalizedStatus(DocumentStatuses.of(status, STATUSES))
            .setIssueDate(data.date(prefix + "_fecha"))
            .setDueDate(data.date(prefix + "_fecha_vencimiento"))
            .setCounterpartyId(data.id("rel_cliente_id"))
            .setSellerId(data.id("rel_vendedor_id"))
            .setNet(tenant.money(data.decimal(prefix + "_neto")))
            .setTax(tenant.money(data.decimal(prefix + "_iva")))
            .setTotal(tenant.money(data.decimal(prefix + "_total")));
    JsonFields.Typed typed = data.typed(ObumaMapper::declared, Set.of(SourceFields.Declared.FLAG, SourceFields.Declared.MONEY));
    document.setFlags(typed.flags()).setAmounts(tenant.money(typed.amounts(), ObumaMapper::currencyOf));
    document.setAttributes(withEnvelope(data.attributes(), delivery));
    // OBUMA's document events carry the id and what changed, never the whole document.
    return new RecordBatch(raw, delivery.deliveryId(), delivery.eventKey(), action, delivery.eventDate())
        .source(delivery.source())
        .partial()
        .add(CanonicalEntity.DOCUMENT, prefix + ":" + id, metadata -> document.setMetadata(metadata).build())
        .records();
  }

  private static Map<String, String> withEnvelope(Map<String, String> attributes, ObumaDelivery delivery) {
    Map<String, String> all = new LinkedHashMap<>(attributes);
    all.putAll(delivery.envelopeAttributes());
    return all;
  }
}
