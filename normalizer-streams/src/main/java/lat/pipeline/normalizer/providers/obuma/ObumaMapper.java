package lat.pipeline.normalizer.providers.obuma;

import java.util.List;
import java.util.Map;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.Json;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.MappingGuard;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.RecordBatch;
import lat.pipeline.normalizer.mapping.SourceFields;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.DocumentKind;

/**
 * OBUMA ERP (Chile). Event keys are {@code {family}.{verb}}, e.g. {@code venta_4.updatedStatus};
 * the family picks the canonical entity, the verb the action. Families without an entity topic
 * (tasks, web forms, notes) and unknown keys go to canonical.events.
 */
public final class ObumaMapper implements ProviderMapper {

  private final TenantSettings settings;

  /** The fields OBUMA documents as "0"/"1" flags. */
  private static final java.util.Set<String> FLAGS = java.util.Set.of(
      "cliente_extranjero", "cliente_es_agente_retenedor", "cliente_newsletter", "cliente_es_cuenta_corriente",
      "cliente_credito_aprobado", "cliente_bloqueado_por_deuda", "cliente_activo", "producto_precio_fijo",
      "producto_mostrar", "producto_mostrar_precio", "producto_envio_gratis", "producto_compuesto", "producto_exento_iva",
      "producto_cambio_sujeto", "producto_inventariable", "producto_para_venta", "producto_para_compra",
      "producto_control_lote_y_caducidad", "producto_activo");

  /** Parts of the names of OBUMA's amounts of money: prices, costs, margins in pesos, totals, balances. */
  private static final List<String> MONEY =
      List.of("_precio_", "_costo", "_utilidad_pesos", "_neto", "_iva", "_total", "_saldo");

  /**
   * Parts of the names of OBUMA's other numbers sent as text: percentages, factors, measures,
   * quantities, counts, coordinates, days; and import costs, whose currency is an OBUMA id
   * ({@code producto_costo_importacion_moneda}), not a code.
   */
  private static final List<String> NUMBERS =
      List.of("pi_saldo", "_importacion", "_porciento", "_factor", "_peso_", "_largo", "_ancho", "_alto", "_stock_",
          "_cantidad_", "_visitas_", "_geo_", "_plazodepago");

  /** Families with no entity topic: the id field that names the entity in their event data. */
  private static final Map<String, String> EVENT_FAMILY_IDS =
      Map.of("webform.response", "respuesta_id", "cliente.note", "cliente_id", "tarea", "tarea_id");

  public ObumaMapper(TenantSettings settings) {
    this.settings = settings;
  }

  @Override
  public String provider() {
    return "obuma";
  }

  @Override
  public MappingResult map(RawEvent raw) {
    return MappingGuard.run(() -> mapOrThrow(raw));
  }

  private List<CanonicalRecord> mapOrThrow(RawEvent raw) {
    TenantSettings.Tenant tenant = settings.of(raw.provider(), raw.tenant());
    ObumaDelivery delivery = ObumaDelivery.of(raw, Json.parse(raw.body(), "body"), tenant);
    return records(raw, delivery, tenant);
  }

  private static List<CanonicalRecord> records(RawEvent raw, ObumaDelivery delivery, TenantSettings.Tenant tenant) {
    if (delivery.eventKey() == null) {
      return new RecordBatch(raw, delivery.deliveryId(), "obuma.webhook", Action.UNKNOWN, delivery.eventDate())
          .source(delivery.source())
          .addEvent("unknown", null, delivery.data(), delivery.envelopeAttributes())
          .records();
    }
    String key = delivery.eventKey();
    int lastDot = key.lastIndexOf('.');
    String family = lastDot < 0 ? key : key.substring(0, lastDot);
    String verb = lastDot < 0 ? "" : key.substring(lastDot + 1);
    Action action = action(verb);
    return switch (family) {
      case "cliente" -> ObumaEntities.customer(raw, delivery, action, tenant);
      case "producto" -> ObumaEntities.product(raw, delivery, action, tenant);
      case "productoStock" -> ObumaEntities.stock(raw, delivery);
      case "cotizacion" -> ObumaEntities.document(raw, delivery, action, tenant, DocumentKind.QUOTE, "cotizacion");
      case "venta" -> ObumaEntities.document(raw, delivery, action, tenant, DocumentKind.SALE, "venta");
      case "venta_4" -> ObumaEntities.document(raw, delivery, action, tenant, DocumentKind.SALES_NOTE, "venta");
      default -> event(raw, delivery, action, family);
    };
  }

  /** OBUMA sends everything as text: its documents' flags ("0"/"1"), dates, amounts and numbers, by field name. */
  static SourceFields.Declared declared(String field) {
    if (FLAGS.contains(field)) {
      return SourceFields.Declared.FLAG;
    }
    if (field.contains("_fecha")) {
      return SourceFields.Declared.DATE;
    }
    if (field.endsWith("_moneda")) {
      return null; // a currency id
    }
    if (NUMBERS.stream().anyMatch(field::contains)) {
      return SourceFields.Declared.NUMBER;
    }
    return MONEY.stream().anyMatch(field::contains) ? SourceFields.Declared.MONEY : null;
  }

  /** The currency an OBUMA amount field names ({@code producto_costo_clp_neto}); null when it names none. */
  static String currencyOf(String field) {
    return field.contains("_clp_") ? "CLP" : null;
  }

  /** Verbs of the 30 documented keys; anything else keeps its key in sourceEventType, action UNKNOWN. */
  static Action action(String verb) {
    return switch (verb) {
      case "created", "new" -> Action.CREATED;
      case "deleted" -> Action.DELETED;
      case "updatedStatus" -> Action.STATUS_CHANGED;
      case "updated", "updatedVendedor", "updatedVencimiento", "itemSold", "linked" -> Action.UPDATED;
      default -> Action.UNKNOWN;
    };
  }

  private static List<CanonicalRecord> event(RawEvent raw, ObumaDelivery delivery, Action action, String family) {
    String idField = EVENT_FAMILY_IDS.getOrDefault(family, family + "_id");
    String entityId = delivery.data().isObject() ? JsonFields.of(delivery.data(), "eventData").id(idField) : null;
    return new RecordBatch(raw, delivery.deliveryId(), delivery.eventKey(), action, delivery.eventDate())
        .source(delivery.source())
        .addEvent(family, entityId, delivery.data(), delivery.envelopeAttributes())
        .records();
  }
}
