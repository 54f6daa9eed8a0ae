package lat.pipeline.normalizer.providers.bsale;

import static lat.pipeline.normalizer.mapping.MappingAssertions.eventIds;
import static lat.pipeline.normalizer.mapping.MappingAssertions.failed;
import static lat.pipeline.normalizer.mapping.MappingAssertions.mapped;
import static org.assertj.core.api.Assertions.assertThat;

import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.Fixtures;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.Reformat;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.schemas.canonical.Event;
import org.junit.jupiter.api.Test;

class BsaleMapperTest {

  private final BsaleMapper mapper = new BsaleMapper();

  private MappingResult map(String body) {
    return mapper.map(TestEvents.raw("bsale", "bsale.webhook", body));
  }

  @Test
  void notificationIsAnEventKeyedByTopicAndResource() {
    CanonicalRecord record = mapped(mapper.map(TestEvents.raw("bsale", "bsale.webhook", Fixtures.read(Fixtures.shared("bsale", "stock.put.json"))))).get(0);

    assertThat(record.entity()).isEqualTo(CanonicalEntity.EVENT);
    assertThat(record.key()).isEqualTo("bsale:demo:stock:7079");
    assertThat(record.eventId()).isEqualTo("bsale:demo:2:stock:7079:put:1503500856:1");
    assertThat(record.sourceTime()).hasToString("2017-08-23T15:07:36Z");
    assertThat(((Event) record.value()).getMetadata().getSourceEventType()).isEqualTo("stock.put");
  }

  @Test
  void priceListIdScopesThePriceNotificationWhenPresent() {
    String body = "{\"cpnId\": 2, \"resourceId\": \"7079\", \"topic\": \"price\", \"action\": \"put\", \"priceListId\": \"9\", \"officeId\": \"2\", \"send\": 1}";

    assertThat(mapped(map(body)).get(0).eventId()).isEqualTo("bsale:demo:2:price:7079:put:1:9");
  }

  @Test
  void redeliveryYieldsTheSameEventIdsWhateverTheWhitespace() {
    for (var file : Fixtures.shared("bsale")) {
      RawEvent first = TestEvents.raw("bsale", "bsale.webhook", Fixtures.read(file));
      RawEvent again = TestEvents.redelivered(first, Reformat.reformatted(Fixtures.read(file)));

      assertThat(eventIds(mapper.map(again))).as(file.getFileName().toString()).isEqualTo(eventIds(mapper.map(first)));
    }
  }

  @Test
  void aLaterSendIsANewEvent() {
    String first = "{\"cpnId\": 2, \"resourceId\": \"952\", \"topic\": \"product\", \"action\": \"put\", \"send\": 1503500856}";
    String later = "{\"cpnId\": 2, \"resourceId\": \"952\", \"topic\": \"product\", \"action\": \"put\", \"send\": 1503500857}";

    assertThat(eventIds(map(later))).isNotEqualTo(eventIds(map(first)));
  }

  @Test
  void notificationWithoutTopicIsAnUnknownEvent() {
    CanonicalRecord record = mapped(map("{\"cpnId\": 2}")).get(0);

    assertThat(((Event) record.value()).getEntityType()).isEqualTo("unknown");
  }

  @Test
  void malformedJsonIsAParseFailure() {
    assertThat(failed(map("{cpnId: 2}")).step()).isEqualTo("parse");
  }

  @Test
  void wrongShapeIsAMapFailure() {
    assertThat(failed(map("[{\"cpnId\": 2}]")).step()).isEqualTo("map");
    assertThat(failed(map("\"product\"")).step()).isEqualTo("map");
  }
}
