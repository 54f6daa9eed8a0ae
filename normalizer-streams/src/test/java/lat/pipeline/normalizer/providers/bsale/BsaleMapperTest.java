package lat.pipeline.normalizer.providers.bsale;

import static lat.pipeline.normalizer.mapping.MappingAssertions.eventIds;
import static lat.pipeline.normalizer.mapping.MappingAssertions.failed;
import static lat.pipeline.normalizer.mapping.MappingAssertions.fingerprints;
import static lat.pipeline.normalizer.mapping.MappingAssertions.mapped;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import lat.pipeline.normalizer.mapping.BsaleEnvelopes;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.Fixtures;
import lat.pipeline.normalizer.mapping.MappingAssertions;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.Reformat;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.schemas.Topics;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.Document;
import lat.pipeline.schemas.canonical.DocumentLine;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.ProductVariant;
import lat.pipeline.schemas.canonical.Stock;
import org.junit.jupiter.api.Test;

class BsaleMapperTest {

  private final BsaleMapper mapper = new BsaleMapper(TestEvents.SETTINGS);

  private MappingResult map(String envelope) {
    return mapper.map(TestEvents.raw("bsale", "bsale.webhook", envelope));
  }

  private MappingResult mapFixture(String name) {
    return mapper.map(TestEvents.raw("bsale", "bsale.webhook",
        BsaleEnvelopes.envelope(Fixtures.read(Fixtures.shared("bsale", name)))));
  }

  private static String envelope(String notification, int status, String body) {
    return "{\"notification\":" + notification + ",\"request\":\"/v1/x\",\"status\":" + status
        + ",\"fetchedAt\":\"2025-03-04T13:14:16Z\",\"body\":" + body + "}";
  }

  private MappingResult mapSample(String name) {
    return mapper.map(TestEvents.raw("bsale", "bsale.webhook",
        BsaleEnvelopes.envelope(Fixtures.read(Fixtures.moduleSamples().resolve("bsale").resolve(name)))));
  }

  // Fails on main before this change: line id, number, line amounts and discounts were text in the line's attributes.
  @Test
  void documentLinesHaveTheirIdNumberAmountsAndDiscounts() {
    Document document = (Document) mapped(mapSample("document.post.json")).get(0).value();
    DocumentLine line = document.getLines().get(0);

    assertThat(line.getLineId()).isEqualTo("1001");
    assertThat(line.getLineNumber()).isEqualTo(1);
    assertThat(line.getVariantId()).isEqualTo("7079");
    assertThat(line.getUnitPrice().getAmount()).isEqualByComparingTo("8395");
    assertThat(line.getUnitPriceWithTaxes().getAmount()).isEqualByComparingTo("9990");
    assertThat(line.getNet().getAmount()).isEqualByComparingTo("16790");
    assertThat(line.getTax().getAmount()).isEqualByComparingTo("3190");
    assertThat(line.getTax().getCurrency()).isEqualTo("CLP");
    assertThat(line.getDiscountAmount().getAmount()).isEqualByComparingTo("0");
    assertThat(line.getDiscountAmountWithTaxes().getAmount()).isEqualByComparingTo("0");
    assertThat(line.getTaxes()).as("Bsale lines give only their total tax").isEmpty();
    assertThat(line.getAttributes()).containsOnlyKeys("href", "variant.href");
    assertThat(document.getLines()).extracting(DocumentLine::getLineNumber).containsExactly(1, 2);
  }

  // Fails on main before this change: Bsale's 0/1 flags and the exempt amount were text in the attributes.
  @Test
  void flagsAndOtherAmountsHaveTypedHomes() {
    Document document = (Document) mapped(mapSample("document.post.json")).get(0).value();
    List<CanonicalRecord> product = mapped(mapFixture("product.post.json"));

    assertThat(document.getFlags()).containsExactly(Map.entry("informedSii", false));
    assertThat(document.getAmounts().get("exemptAmount").getCurrency()).isEqualTo("CLP");
    assertThat(document.getGeneratedAt()).hasToString("2017-08-23T15:07:36Z");
    assertThat(document.getAttributes()).doesNotContainKeys("informedSii", "exemptAmount", "generationDate");
    assertThat(((Product) product.get(0).value()).getFlags())
        .containsOnlyKeys("allowDecimal", "stockControl", "printDetailPack").containsEntry("stockControl", true);
    assertThat(((ProductVariant) product.get(1).value()).getFlags())
        .containsOnlyKeys("unlimitedStock", "allowNegativeStock", "serialNumber");
  }

  // Fails on main before this change: only the first row's record carried source fields.
  @Test
  void eachRowOfAListAnswerCarriesTheEnvelopeWithItsOwnRowOnly() {
    List<CanonicalRecord> records = mapped(map(new String(
        Fixtures.read(Fixtures.moduleSamples().resolve("bsale/stock.put.all-offices.json")), StandardCharsets.UTF_8)));

    assertThat(MappingAssertions.sourceFields(records.get(1)))
        .containsKeys("notification.resourceId", "fetchedAt", "body.count", "body.items[1].quantity")
        .doesNotContainKey("body.items[0].quantity");
    assertThat(MappingAssertions.sourceFields(records.get(0))).containsKey("body.items[0].quantity")
        .doesNotContainKey("body.items[1].quantity");
  }

  @Test
  void expandedVariantsCarryTheirOwnLeavesAndTheProductsId() {
    List<CanonicalRecord> records = mapped(mapFixture("product.post.json"));

    assertThat(MappingAssertions.sourceFields(records.get(2)).keySet())
        .contains("body.id", "body.variants.items[1].code")
        .noneMatch(path -> path.startsWith("body.variants.items[0]") || path.equals("body.name"));
  }

  @Test
  void readsTheFetchedResourcesTopic() {
    assertThat(mapper.rawTopic()).isEqualTo(Topics.RAW_BSALE_RESOURCES);
  }

  @Test
  void stockNotificationWithItsAnswerIsOneStockPerRowWithTheFetchedQuantities() {
    CanonicalRecord record = mapped(mapFixture("stock.put.json")).get(0);

    assertThat(record.entity()).isEqualTo(CanonicalEntity.STOCK);
    assertThat(record.key()).isEqualTo("bsale:demo:stock:7079:1");
    assertThat(record.eventId()).isEqualTo("bsale:demo:2:stock:7079:put:1503500856:1");
    assertThat(record.sourceTime()).hasToString("2017-08-23T15:07:36Z");
    Stock stock = (Stock) record.value();
    assertThat(stock.getQuantity()).isEqualByComparingTo(new BigDecimal("12"));
    assertThat(stock.getReserved()).isEqualByComparingTo(new BigDecimal("2"));
    assertThat(stock.getAvailable()).isEqualByComparingTo(new BigDecimal("10"));
    assertThat(stock.getWarehouseId()).isEqualTo("1");
    assertThat(stock.getMetadata().getSourceEventType()).isEqualTo("stock.put");
  }

  @Test
  void priceListIdScopesThePriceWhenPresent() {
    String notification = "{\"cpnId\": 2, \"resourceId\": \"7079\", \"topic\": \"price\", \"action\": \"put\", \"priceListId\": \"9\", \"officeId\": \"2\", \"send\": 1}";
    String body = "{\"items\":[{\"id\":1,\"variantValue\":100,\"variantValueWithTaxes\":119,\"variant\":{\"id\":\"7079\"}}]}";

    CanonicalRecord record = mapped(map(envelope(notification, 200, body))).get(0);
    assertThat(record.eventId()).isEqualTo("bsale:demo:2:price:7079:put:1:9");
    assertThat(record.key()).isEqualTo("bsale:demo:price:7079:9");
  }

  // Fails on main before this change: a post coalesced with a later put was UPDATED, and
  // fetchedAt was not in the record.
  @Test
  void aPostCoalescedWithALaterPutStaysCreatedAndSaysWhenItWasFetched() {
    String put = "{\"cpnId\": 2, \"resourceId\": \"952\", \"topic\": \"product\", \"action\": \"put\", \"send\": 2}";
    String coalesced = envelope(put, 200, "{\"id\": 952, \"name\": \"Mesa\", \"state\": 0}")
        .replace("\"status\":200", "\"status\":200,\"coalesced\":1,\"coalescedActions\":[\"post\",\"put\"]");

    Product product = (Product) mapped(map(coalesced)).get(0).value();
    Product alone = (Product) mapped(map(envelope(put, 200, "{\"id\": 952, \"state\": 0}"))).get(0).value();

    assertThat(product.getMetadata().getAction()).hasToString("CREATED");
    assertThat(product.getMetadata().getFetchedAt()).hasToString("2025-03-04T13:14:16Z");
    assertThat(product.getMetadata().getCompleteness()).hasToString("SNAPSHOT");
    assertThat(alone.getMetadata().getAction()).hasToString("UPDATED");
  }

  // Fails without leaving sourceFields out of the fingerprint: a refetch of an unchanged resource
  // (another fetch time, other number formatting) was a change.
  @Test
  void aRefetchOfAnUnchangedResourceHasTheSameContent() {
    String put = "{\"cpnId\": 2, \"resourceId\": \"952\", \"topic\": \"product\", \"action\": \"put\", \"send\": 2}";
    String first = envelope(put, 200, "{\"id\": 952, \"name\": \"Mesa\", \"state\": 0, \"weight\": 2.50}");
    String again = first.replace("13:14:16Z", "13:20:00Z").replace("2.50", "2.5");

    assertThat(fingerprints(map(again))).isEqualTo(fingerprints(map(first)));
  }

  @Test
  void aNotFoundAnswerIsADeletionNotAnError() {
    String notification = "{\"cpnId\": 2, \"resourceId\": \"952\", \"topic\": \"product\", \"action\": \"put\", \"send\": 1503500856}";

    CanonicalRecord record = mapped(map(envelope(notification, 404, "{\"error\":\"not found\"}"))).get(0);
    Product product = (Product) record.value();
    assertThat(product.getMetadata().getAction()).isEqualTo(Action.DELETED);
    assertThat(product.getActive()).isFalse();
    assertThat(record.key()).isEqualTo("bsale:demo:product:952");
  }

  @Test
  void anAnswerTheMapperCannotUseIsAFailureWithTheStatusAsReason() {
    String notification = "{\"cpnId\": 2, \"resourceId\": \"952\", \"topic\": \"product\", \"action\": \"put\", \"send\": 1}";

    MappingResult.Failed failure = failed(map(envelope(notification, 503, "null")));
    assertThat(failure.step()).isEqualTo("map");
    assertThat(failure.reason()).contains("503").contains("/v1/x");
    String timedOut = "{\"notification\":" + notification + ",\"request\":\"/v1/x\",\"status\":0,\"body\":null,\"error\":\"timed out\"}";
    assertThat(failed(map(timedOut)).reason()).contains("nothing").contains("timed out");
  }

  @Test
  void redeliveryYieldsTheSameEventIdsWhateverTheWhitespace() {
    for (var file : Fixtures.shared("bsale")) {
      byte[] envelope = BsaleEnvelopes.envelope(Fixtures.read(file));
      RawEvent first = TestEvents.raw("bsale", "bsale.webhook", envelope);
      RawEvent again = TestEvents.redelivered(first, Reformat.reformatted(envelope));

      assertThat(eventIds(mapper.map(again))).as(file.getFileName().toString()).isEqualTo(eventIds(mapper.map(first)));
    }
  }

  @Test
  void aLaterSendIsANewEvent() {
    String first = "{\"cpnId\": 2, \"resourceId\": \"952\", \"topic\": \"product\", \"action\": \"put\", \"send\": 1503500856}";
    String later = first.replace("1503500856", "1503500857");
    String body = "{\"id\":952,\"name\":\"x\",\"state\":0}";

    assertThat(eventIds(map(envelope(later, 200, body)))).isNotEqualTo(eventIds(map(envelope(first, 200, body))));
  }

  @Test
  void anEnvelopeWhoseNotificationNamesNoResourceIsAMapFailure() {
    assertThat(failed(map(envelope("{\"cpnId\": 2}", 200, "{}"))).step()).isEqualTo("map");
  }

  @Test
  void malformedJsonIsAParseFailure() {
    assertThat(failed(map("{cpnId: 2}")).step()).isEqualTo("parse");
    assertThat(failed(mapper.map(TestEvents.raw("bsale", "bsale.webhook", "".getBytes(StandardCharsets.UTF_8)))).step())
        .isEqualTo("parse");
  }

  @Test
  void wrongShapeIsAMapFailure() {
    assertThat(failed(map("[{\"cpnId\": 2}]")).step()).isEqualTo("map");
    assertThat(failed(map("\"product\"")).step()).isEqualTo("map");
  }
}
