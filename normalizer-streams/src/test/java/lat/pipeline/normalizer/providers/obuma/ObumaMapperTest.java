package lat.pipeline.normalizer.providers.obuma;

import static lat.pipeline.normalizer.mapping.MappingAssertions.eventIds;
import static lat.pipeline.normalizer.mapping.MappingAssertions.fingerprints;
import static lat.pipeline.normalizer.mapping.MappingAssertions.failed;
import static lat.pipeline.normalizer.mapping.MappingAssertions.mapped;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.Fixtures;
import lat.pipeline.normalizer.mapping.MappingAssertions;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.RecordRendering;
import lat.pipeline.normalizer.mapping.Reformat;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Customer;
import lat.pipeline.schemas.canonical.Document;
import lat.pipeline.schemas.canonical.DocumentKind;
import lat.pipeline.schemas.canonical.Event;
import lat.pipeline.schemas.canonical.Price;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.SourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ObumaMapperTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ObumaMapper mapper = new ObumaMapper(TestEvents.SETTINGS);

  private MappingResult map(String eventType, String body) {
    return mapper.map(TestEvents.raw("obuma", eventType, body));
  }

  /** The 30 event keys of OBUMA's webhook page, with a minimal body each. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "cliente.created, CUSTOMER, CREATED",
    "cliente.updated, CUSTOMER, UPDATED",
    "cliente.updatedVendedor, CUSTOMER, UPDATED",
    "producto.created, PRODUCT, CREATED",
    "producto.updated, PRODUCT, UPDATED",
    "productoStock.created, STOCK, UPSERTED",
    "cotizacion.created, DOCUMENT, CREATED",
    "cotizacion.itemSold, DOCUMENT, UPDATED",
    "webform.response.created, EVENT, CREATED",
    "webform.response.updated, EVENT, UPDATED",
    "webform.response.deleted, EVENT, DELETED",
    "webform.response.linked, EVENT, UPDATED",
    "cliente.note.new, EVENT, CREATED",
    "cotizacion.updatedStatus, DOCUMENT, STATUS_CHANGED",
    "cotizacion.updated, DOCUMENT, UPDATED",
    "cotizacion.updatedVencimiento, DOCUMENT, UPDATED",
    "cotizacion.updatedVendedor, DOCUMENT, UPDATED",
    "venta_4.updatedStatus, DOCUMENT, STATUS_CHANGED",
    "venta_4.updated, DOCUMENT, UPDATED",
    "venta_4.updatedVencimiento, DOCUMENT, UPDATED",
    "venta_4.updatedVendedor, DOCUMENT, UPDATED",
    "venta.updatedStatus, DOCUMENT, STATUS_CHANGED",
    "venta.updated, DOCUMENT, UPDATED",
    "venta.updatedVencimiento, DOCUMENT, UPDATED",
    "venta.updatedVendedor, DOCUMENT, UPDATED",
    "tarea.created, EVENT, CREATED",
    "tarea.updated, EVENT, UPDATED",
    "tarea.updatedStatus, EVENT, STATUS_CHANGED",
    "venta.created, DOCUMENT, CREATED",
    "venta_4.created, DOCUMENT, CREATED",
  })
  void everyDocumentedEventKeyHasItsEntityAndAction(String key, CanonicalEntity entity, Action action) {
    String body =
        "{\"cliente_id\": \"1\", \"producto_id\": \"2\", \"cotizacion_id\": 3, \"venta_id\": 4, \"tarea_id\": \"5\","
            + " \"respuesta_id\": \"6\", \"items\": [{\"rel_producto_id\": \"2\", \"rel_bodega_id\": \"1\", \"pi_saldo\": \"7\"}]}";

    List<CanonicalRecord> records = mapped(map(key, body));

    assertThat(records).hasSize(1);
    assertThat(records.get(0).entity()).isEqualTo(entity);
    assertThat(RecordRendering.render(records.get(0).value())).contains("\"action\" : \"" + action + "\"", "\"sourceEventType\" : \"" + key + "\"");
  }

  @Test
  void documentKindFollowsTheEventFamily() {
    assertThat(kind("cotizacion.created", "{\"cotizacion_id\": 1}")).isEqualTo(DocumentKind.QUOTE);
    assertThat(kind("venta.created", "{\"venta_id\": 1}")).isEqualTo(DocumentKind.SALE);
    assertThat(kind("venta_4.created", "{\"venta_id\": 1}")).isEqualTo(DocumentKind.SALES_NOTE);
  }

  private DocumentKind kind(String key, String body) {
    return ((Document) mapped(map(key, body)).get(0).value()).getKind();
  }

  @Test
  void bothEnvelopeFormsYieldTheSameRecordsAsEachOther() throws IOException {
    for (var file : Fixtures.shared("obuma")) {
      var data = JSON.readTree(Fixtures.read(file));
      String key = Fixtures.baseName(file);
      MappingResult asObject = map("obuma.webhook", TestEvents.obumaEnvelope(key, data, false));
      MappingResult asString = map("obuma.webhook", TestEvents.obumaEnvelope(key, data, true));

      assertThat(RecordRendering.render(asString)).as(key).isEqualTo(RecordRendering.render(asObject));
    }
  }

  @Test
  void envelopeEventIdIsTheDeliveryIdAndEventDateTheSourceTime() throws IOException {
    String body = TestEvents.obumaEnvelope("venta.created", JSON.readTree("{\"venta_id\": 6890000}"), false);

    CanonicalRecord record = mapped(map("obuma.webhook", body)).get(0);

    assertThat(record.eventId()).isEqualTo("obuma:demo:evt-venta.created");
    assertThat(record.key()).isEqualTo("obuma:demo:venta:6890000");
    assertThat(record.sourceTime()).hasToString("2025-03-04T13:11:12Z");
  }

  @Test
  void envelopeEventTypeWinsOverTheUrlKey() throws IOException {
    String body = TestEvents.obumaEnvelope("venta.created", JSON.readTree("{\"venta_id\": 1}"), false);

    assertThat(mapped(map("cliente.created", body)).get(0).entity()).isEqualTo(CanonicalEntity.DOCUMENT);
  }

  @Test
  void aBareBodyStoredTwiceUnderOneReceiptYieldsTheSameEventIds() throws IOException {
    for (var file : Fixtures.shared("obuma")) {
      String key = Fixtures.baseName(file);
      RawEvent first = TestEvents.raw("obuma", key, Fixtures.read(file));
      RawEvent again = TestEvents.storedAgain(first, Reformat.reformatted(Fixtures.read(file)));

      assertThat(eventIds(mapper.map(again))).as(key).isEqualTo(eventIds(mapper.map(first)));
    }
  }

  @Test
  void anEnvelopeRedeliveredUnderAnotherReceiptKeepsItsEventId() throws IOException {
    RawEvent first = TestEvents.raw("obuma", "obuma.webhook",
        TestEvents.obumaEnvelope("venta.created", JSON.readTree("{\"venta_id\": 1}"), false));
    RawEvent again = TestEvents.redelivered(first, Reformat.reformatted(first.body()));

    assertThat(eventIds(mapper.map(again))).isEqualTo(eventIds(mapper.map(first)));
  }

  @Test
  void differentContentIsADifferentState() {
    assertThat(fingerprints(map("venta.updatedStatus", "{\"venta_id\": 1, \"venta_estado\": \"EMITIDA\"}")))
        .isNotEqualTo(fingerprints(map("venta.updatedStatus", "{\"venta_id\": 1, \"venta_estado\": \"ANULADA\"}")));
  }

  @Test
  void theSameContentInAnotherTenantIsAnotherEvent() {
    byte[] body = "{\"venta_id\": 1}".getBytes();
    RawEvent demo = TestEvents.raw("obuma", "venta.created", body);
    RawEvent other = new RawEvent("obuma", "other", "venta.created", "r", demo.receivedAt(), "raw.obuma", 0, 1, body);

    assertThat(eventIds(mapper.map(other))).isNotEqualTo(eventIds(mapper.map(demo)));
  }

  @Test
  void bareBodyWithoutAnEventKeyIsAnUnknownEvent() {
    CanonicalRecord record = mapped(map("obuma.webhook", "{\"cliente_id\": \"1\"}")).get(0);

    assertThat(record.entity()).isEqualTo(CanonicalEntity.EVENT);
    assertThat(((Event) record.value()).getEntityType()).isEqualTo("unknown");
    assertThat(((Event) record.value()).getPayload()).isEqualTo("{\"cliente_id\":\"1\"}");
  }

  @Test
  void unknownEventKeyGoesToEventsWithItsFamily() {
    CanonicalRecord record = mapped(map("factura.created", "{\"factura_id\": 99}")).get(0);

    assertThat(((Event) record.value()).getEntityType()).isEqualTo("factura");
    assertThat(((Event) record.value()).getEntityId()).isEqualTo("99");
    assertThat(record.key()).isEqualTo("obuma:demo:factura:99");
  }

  @Test
  void passwordHashIsNotCarriedIntoTheCanonicalRecord() {
    Customer customer = (Customer) mapped(map("cliente.created", "{\"cliente_id\": \"1\", \"cliente_clave\": \"hash\"}")).get(0).value();

    assertThat(customer.getAttributes()).doesNotContainKey("cliente_clave");
  }

  // Fails on main before this change: flags, costs, margins and none-dates were text in the attributes.
  @Test
  void documentedFlagsAmountsAndDatesHaveTypedHomes() {
    List<CanonicalRecord> records = mapped(mapper.map(TestEvents.raw("obuma", "producto.created",
        Fixtures.read(Fixtures.shared("obuma", "producto.created.json")))));
    Product product = (Product) records.get(0).value();
    Customer customer = (Customer) mapped(mapper.map(TestEvents.raw("obuma", "cliente.created",
        Fixtures.read(Fixtures.shared("obuma", "cliente.created.json"))))).get(0).value();

    assertThat(product.getFlags()).containsEntry("producto_inventariable", true).containsEntry("producto_precio_fijo", false)
        .hasSize(11);
    assertThat(product.getAmounts().get("producto_costo_clp_neto").getCurrency()).isEqualTo("CLP");
    assertThat(product.getAmounts().get("producto_utilidad_pesos").getAmount()).isEqualByComparingTo("500");
    assertThat(product.getAmounts()).as("import costs name an OBUMA currency id, not a code")
        .doesNotContainKeys("producto_costo_importacion", "producto_costo_importacion_moneda");
    assertThat(product.getDates()).containsEntry("producto_ultimacompra_fecha", null).hasSize(2);
    assertThat(product.getAttributes()).doesNotContainKeys("producto_mostrar", "producto_costo_clp_neto", "producto_ultimaventa_fecha")
        .containsEntry("producto_utilidad_porciento", "50");
    assertThat(MappingAssertions.sourceFields(records.get(0)).get("producto_costo_importacion_moneda").getType())
        .isEqualTo(SourceType.TEXT);
    assertThat(customer.getFlags()).containsEntry("cliente_bloqueado_por_deuda", false).doesNotContainKey("cliente_activo");
    Price price = (Price) records.get(1).value();
    assertThat(price.getTax().getAmount()).isEqualByComparingTo("190");
    assertThat(price.getTax().getCurrency()).isEqualTo("CLP");
    assertThat(price.getAttributes()).isEmpty();
  }

  // Fails on main before this change: the price and the stock rows carried no source fields.
  @Test
  void pricesAndStockRowsCarryTheLeavesTheyWereReadFrom() {
    List<CanonicalRecord> product = mapped(mapper.map(TestEvents.raw("obuma", "producto.created",
        Fixtures.read(Fixtures.shared("obuma", "producto.created.json")))));
    List<CanonicalRecord> stock = mapped(map("productoStock.created",
        "{\"lote\": \"7\", \"items\": [{\"rel_producto_id\": \"1\", \"pi_saldo\": \"2\"}, {\"rel_producto_id\": \"2\", \"pi_saldo\": \"3\"}]}"));

    assertThat(MappingAssertions.sourceFields(product.get(1)).keySet())
        .containsExactly("producto_id", "producto_precio_clp_iva", "producto_precio_clp_neto", "producto_precio_clp_total");
    assertThat(MappingAssertions.sourceFields(stock.get(1)).keySet())
        .containsExactly("items[1].pi_saldo", "items[1].rel_producto_id", "lote");
  }

  @Test
  void registrationDateIsTheSourceTimeOfACreationOnly() {
    String body =
        "{\"cliente_id\": \"1\", \"cliente_dia_registro\": \"05\", \"cliente_mes_registro\": \"07\","
            + " \"cliente_ano_registro\": \"2025\", \"cliente_hora_registro\": \"09:30\"}";

    assertThat(mapped(map("cliente.created", body)).get(0).sourceTime()).hasToString("2025-07-05T13:30:00Z");
    assertThat(mapped(map("cliente.updated", body)).get(0).sourceTime()).isNull();
  }

  @Test
  void malformedJsonIsAParseFailure() {
    assertThat(failed(map("cliente.created", "{\"cliente_id\": ")).step()).isEqualTo("parse");
  }

  @Test
  void eventDataStringThatIsNotJsonIsAParseFailure() {
    MappingResult.Failed failure = failed(map("obuma.webhook", "{\"eventId\": \"e1\", \"eventType\": \"venta.created\", \"eventData\": \"{nope\"}"));

    assertThat(failure.step()).isEqualTo("parse");
    assertThat(failure.reason()).startsWith("envelope.eventData string is not valid JSON");
  }

  @Test
  void wrongShapeForAKnownEventIsAMapFailure() {
    assertThat(failed(map("cliente.created", "42")).step()).isEqualTo("map");
    assertThat(failed(map("producto.updated", "[{\"producto_id\": 1}]")).step()).isEqualTo("map");
    assertThat(failed(map("venta.created", "{\"venta_estado\": \"EMITIDA\"}")).reason()).isEqualTo("eventData.venta_id is missing");
  }

  @Test
  void stockWithoutABalanceIsAMapFailure() {
    assertThat(failed(map("productoStock.created", "{\"items\": [{\"rel_producto_id\": \"1\"}]}")).reason())
        .isEqualTo("eventData.items[0].pi_saldo is missing or not a number");
  }
}
