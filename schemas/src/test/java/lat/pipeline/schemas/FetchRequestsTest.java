package lat.pipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class FetchRequestsTest {

  @Test
  void aRequestReadsBackAsItWasWrittenWithItsDeliveryIdBesideTheRawHeaders() throws Exception {
    FetchRequests.Request request = new FetchRequests.Request("acme", "2", "price", "7079", "3", 1503500856L,
        "bsale:acme:2:price", new ObjectMapper().readTree("{\"cpnId\":2,\"priceListId\":3}"));
    RecordHeaders raw = new RecordHeaders();
    TextHeaders.add(raw, CloudEventHeaders.ID, "id-1");
    BsaleResources.putDeliveryId(raw, "an older id");

    Headers headers = FetchRequests.headers(raw, request);

    assertThat(FetchRequests.decode(FetchRequests.encode(request))).isEqualTo(request);
    assertThat(RawRecords.idOf(headers)).isEqualTo("id-1");
    assertThat(headers.headers(BsaleResources.DELIVERY_ID)).hasSize(1);
    assertThat(BsaleResources.deliveryIdOf(headers)).isEqualTo("bsale:acme:2:price");
    assertThat(BsaleResources.deliveryIdOf(raw)).isEqualTo("an older id");
  }

  @Test
  void whatIsNotARequestIsUnreadableWithAReason() {
    assertThatThrownBy(() -> FetchRequests.decode("{\"notification\":{},\"send\":1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UnreadableRecord.class).hasMessage("no tenant");
  }
}
