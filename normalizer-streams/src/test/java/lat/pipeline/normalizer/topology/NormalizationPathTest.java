package lat.pipeline.normalizer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.normalizer.mapping.BsaleEnvelopes;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.normalizer.providers.bsale.BsaleMapper;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.schemas.Topics;
import lat.pipeline.schemas.canonical.Stock;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The path as replay and re-drive use it: with a state that remembers but cannot hold records. */
class NormalizationPathTest {

  private final NormalizationPath path = new NormalizationPath(new BsaleMapper(TestEvents.SETTINGS));
  private final InMemoryState state = new InMemoryState();
  private long offset;

  @Test
  void aRecordWhoseVariantIsNotKnownYetIsDeadLetteredForARedriveNeverEmittedWithoutItsProduct() throws Exception {
    NormalizationPath.Outcome outcome = normalize("bsale/stock.put.json");

    assertThat(outcome).isInstanceOfSatisfying(NormalizationPath.DeadLetter.class, dead -> {
      assertThat(dead.step()).isEqualTo(NormalizationPath.STEP_JOIN);
      assertThat(dead.reason()).contains("bsale:acme:variant:7079");
    });
  }

  @Test
  void aRecordWhoseVariantIsKnownIsJoinedWithIt() throws Exception {
    normalize("bsale/variant.put.json");

    NormalizationPath.Outcome outcome = normalize("bsale/stock.put.json");

    assertThat(outcome).isInstanceOfSatisfying(NormalizationPath.Records.class, records ->
        assertThat(records.emit()).singleElement().satisfies(record -> {
          assertThat(((Stock) record.value()).getProductId()).isEqualTo("952");
          assertThat(((Stock) record.value()).getSku()).isEqualTo("POL-PIQ-M-AZ");
        }));
  }

  private NormalizationPath.Outcome normalize(String fixture) throws Exception {
    RecordHeaders headers = new RecordHeaders();
    headers.add(CloudEventHeaders.TENANT, "acme".getBytes(StandardCharsets.UTF_8));
    byte[] value = BsaleEnvelopes.envelope(Files.readAllBytes(Fixtures.root().resolve(fixture)));
    return path.normalize(new NormalizationPath.RawRecord(
        Topics.RAW_BSALE_RESOURCES.name(), 0, offset++, 1_700_000_000_000L, headers, value), state);
  }
}
