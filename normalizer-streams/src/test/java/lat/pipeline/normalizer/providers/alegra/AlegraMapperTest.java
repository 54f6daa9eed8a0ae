package lat.pipeline.normalizer.providers.alegra;

import static lat.pipeline.normalizer.mapping.MappingAssertions.eventIds;
import static lat.pipeline.normalizer.mapping.MappingAssertions.failed;
import static lat.pipeline.normalizer.mapping.MappingAssertions.fingerprints;
import static lat.pipeline.normalizer.mapping.MappingAssertions.mapped;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.Fixtures;
import lat.pipeline.normalizer.mapping.MappingAssertions;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Customer;
import lat.pipeline.schemas.canonical.Document;
import lat.pipeline.schemas.canonical.DocumentLine;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.Event;
import lat.pipeline.schemas.canonical.Stock;
import org.junit.jupiter.api.Test;

class AlegraMapperTest {

  private final AlegraMapper mapper = new AlegraMapper(TestEvents.SETTINGS);

  private MappingResult map(String body) {
    return mapper.map(TestEvents.raw("alegra", "alegra.webhook", body));
  }

  // Fails on main before this change: the event id was a hash of the body, so a return to an
  // earlier state had the id of that earlier delivery and was dropped as a redelivery.
  @Test
  void eventIdsComeFromTheReceiptNeverFromTheContent() {
    MappingAssertions.eventIdsComeFromTheReceipt(mapper);
  }

  @Test
  void anEditOfTheSameClientIsANewEvent() {
    String before = "{\"subject\": \"edit-client\", \"message\": {\"client\": {\"id\": \"774\", \"email\": \"a@x.co\"}}}";
    String after = "{\"subject\": \"edit-client\", \"message\": {\"client\": {\"id\": \"774\", \"email\": \"b@x.co\"}}}";

    assertThat(fingerprints(map(after))).isNotEqualTo(fingerprints(map(before)));
    assertThat(eventIds(map(after))).containsExactly("alegra:demo:edit-client:774:receipt-rcv-0001");
  }

  @Test
  void verbsMapToActions() {
    assertThat(action("{\"subject\": \"new-client\", \"message\": {\"client\": {\"id\": 1}}}")).isEqualTo(Action.CREATED);
    assertThat(action("{\"subject\": \"edit-client\", \"message\": {\"client\": {\"id\": 1}}}")).isEqualTo(Action.UPDATED);
    assertThat(action("{\"subject\": \"delete-client\", \"message\": {\"id\": 1}}")).isEqualTo(Action.DELETED);
  }

  private Action action(String body) {
    return ((Customer) mapped(map(body)).get(0).value()).getMetadata().getAction();
  }

  @Test
  void deletedItemIsTheProductAloneWithoutPricesOrStock() {
    List<CanonicalRecord> records =
        mapped(map("{\"subject\": \"delete-item\", \"message\": {\"item\": {\"id\": \"865\", \"price\": [{\"id\": \"1\", \"price\": 5}]}}}"));

    assertThat(records).extracting(CanonicalRecord::entity).containsExactly(CanonicalEntity.PRODUCT);
  }

  @Test
  void perWarehouseQuantitiesYieldOneStockPerWarehouse() {
    List<CanonicalRecord> records =
        mapped(
            map(
                "{\"subject\": \"edit-item\", \"message\": {\"item\": {\"id\": \"9\", \"inventory\": {\"availableQuantity\": 5,"
                    + " \"warehouses\": [{\"id\": \"1\", \"availableQuantity\": 2}, {\"id\": \"2\", \"availableQuantity\": 3}]}}}}"));

    assertThat(records).filteredOn(r -> r.entity() == CanonicalEntity.STOCK)
        .extracting(r -> ((Stock) r.value()).getWarehouseId(), CanonicalRecord::key)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("1", "alegra:demo:9:1"), org.assertj.core.groups.Tuple.tuple("2", "alegra:demo:9:2"));
  }

  // Fails on main before this change: the name parts were only joined into legalName.
  @Test
  void theNamePartsOfAContactAreNamedFields() {
    Customer customer = (Customer) mapped(mapper.map(TestEvents.raw("alegra", "alegra.webhook",
        Fixtures.read(Fixtures.shared("alegra", "new-client.json"))))).get(0).value();

    assertThat(customer.getFirstName()).isEqualTo("Primer Nombre");
    assertThat(customer.getSecondName()).isEqualTo("Segundo Nombre");
    assertThat(customer.getLastName()).isEqualTo("Primer Apellido");
    assertThat(customer.getSecondLastName()).isEqualTo("Segundo Apellido");
    assertThat(customer.getLegalName()).isEqualTo("Primer Nombre Segundo Nombre Primer Apellido Segundo Apellido");
  }

  // Fails on main before this change: an item's taxes were JSON text in the line's attributes.
  @Test
  void invoiceLinesHaveTheirPositionAndTypedTaxes() {
    Document invoice = (Document) mapped(map("{\"subject\": \"new-invoice\", \"message\": {\"invoice\": {\"id\": \"7\","
        + " \"currency\": {\"code\": \"MXN\"}, \"items\": [{\"id\": \"1\", \"price\": 100, \"quantity\": 2},"
        + " {\"id\": \"2\", \"price\": 50, \"quantity\": 1, \"tax\": [{\"id\": \"3\", \"name\": \"IVA 16%\","
        + " \"type\": \"IVA\", \"percentage\": \"16.00\", \"amount\": 8, \"status\": \"active\"}]}]}}}")).get(0).value();

    DocumentLine second = invoice.getLines().get(1);
    assertThat(invoice.getLines()).extracting(DocumentLine::getLineNumber).containsExactly(1, 2);
    assertThat(second.getLineId()).as("Alegra items name the item, not the line").isNull();
    assertThat(second.getTaxes()).singleElement().satisfies(tax -> {
      assertThat(tax.getId()).isEqualTo("3");
      assertThat(tax.getCode()).isEqualTo("IVA");
      assertThat(tax.getName()).isEqualTo("IVA 16%");
      assertThat(tax.getRate()).isEqualByComparingTo("16");
      assertThat(tax.getAmount().getAmount()).isEqualByComparingTo("8");
      assertThat(tax.getAmount().getCurrency()).isEqualTo("MXN");
      assertThat(tax.getAttributes()).containsEntry("status", "active");
    });
    assertThat(second.getAttributes()).doesNotContainKey("tax");
  }

  // Fails on main before this change: the unit cost was text in the attributes.
  @Test
  void anItemsUnitCostIsAnAmount() {
    Product product = (Product) mapped(mapper.map(TestEvents.raw("alegra", "alegra.webhook",
        Fixtures.read(Fixtures.shared("alegra", "new-item.json"))))).get(0).value();

    assertThat(product.getAmounts().get("inventory.unitCost").getAmount()).isEqualByComparingTo("1");
    assertThat(product.getAmounts().get("inventory.unitCost").getCurrency()).isEqualTo("COP");
    assertThat(product.getAttributes()).doesNotContainKey("inventory.unitCost");
  }

  // Fails on main before this change: prices and stock carried no source fields.
  @Test
  void pricesAndStockCarryTheLeavesTheyWereReadFrom() {
    List<CanonicalRecord> records = mapped(mapper.map(TestEvents.raw("alegra", "alegra.webhook",
        Fixtures.read(Fixtures.shared("alegra", "new-item.json")))));

    assertThat(MappingAssertions.sourceFields(records.get(2)).keySet())
        .containsExactly("message.item.id", "message.item.price[1].id", "message.item.price[1].price");
    assertThat(MappingAssertions.sourceFields(records.get(3)).keySet())
        .containsExactly("message.item.id", "message.item.inventory.availableQuantity");
  }

  @Test
  void invoicesAndBillsAreKeyedApart() {
    String invoice = "{\"subject\": \"new-invoice\", \"message\": {\"invoice\": {\"id\": \"7\"}}}";
    String bill = "{\"subject\": \"new-bill\", \"message\": {\"bill\": {\"id\": \"7\"}}}";

    assertThat(mapped(map(invoice)).get(0).key()).isEqualTo("alegra:demo:invoice:7");
    assertThat(mapped(map(bill)).get(0).key()).isEqualTo("alegra:demo:bill:7");
  }

  @Test
  void otherSubjectsGoToEvents() {
    CanonicalRecord record = mapped(map("{\"subject\": \"new-estimate\", \"message\": {\"estimate\": {\"id\": \"3\"}}}")).get(0);

    assertThat(record.entity()).isEqualTo(CanonicalEntity.EVENT);
    assertThat(record.key()).isEqualTo("alegra:demo:estimate:3");
    assertThat(((Event) record.value()).getPayload()).isEqualTo("{\"estimate\":{\"id\":\"3\"}}");
  }

  @Test
  void bodyWithoutSubjectIsAnUnknownEvent() {
    CanonicalRecord record = mapped(map("{\"hello\": \"world\"}")).get(0);

    assertThat(((Event) record.value()).getEntityType()).isEqualTo("unknown");
  }

  @Test
  void malformedJsonIsAParseFailure() {
    assertThat(failed(map("{\"subject\": \"new-client\",")).step()).isEqualTo("parse");
    assertThat(failed(mapper.map(TestEvents.raw("alegra", "alegra.webhook", new byte[0]))).reason()).isEqualTo("body is empty");
  }

  @Test
  void wrongShapeIsAMapFailure() {
    assertThat(failed(map("[1, 2]")).reason()).isEqualTo("body should be a JSON object but is array");
    assertThat(failed(map("{\"subject\": \"new-client\", \"message\": {\"client\": {\"name\": \"x\"}}}")).reason())
        .isEqualTo("message.client.id is missing");
    assertThat(failed(map("{\"subject\": \"new-item\", \"message\": {\"item\": {\"id\": 1, \"price\": {\"id\": 1}}}}")).step())
        .isEqualTo("map");
  }
}
