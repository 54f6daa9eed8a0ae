package lat.pipeline.normalizer.replay;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import lat.pipeline.normalizer.topology.NormalizationPath;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Re-drive commits its progress only after {@link CanonicalWriter#flush()}: it must see every failed send. */
class CanonicalWriterTest {

  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
  private final CanonicalWriter writer = new CanonicalWriter(producer);
  private final CanonicalWriter.Source source = new CanonicalWriter.Source("acme".getBytes(StandardCharsets.UTF_8),
      new NormalizationPath.RawRecord("raw.alegra", 0, 7, 0, new RecordHeaders(), "{}".getBytes(StandardCharsets.UTF_8)));

  // Fails on main before this change: sends were not checked, so a re-drive whose writes failed
  // committed past its dead letters and they were never re-driven.
  @Test
  void flushFailsWhenAnySendFailed() {
    writer.deadLetter(source, "map", "first");
    writer.deadLetter(source, "map", "second");
    producer.completeNext();
    producer.errorNext(new TimeoutException("broker gone"));

    assertThatThrownBy(writer::flush).hasMessageContaining("nothing is committed").hasMessageContaining("broker gone");
  }

  @Test
  void flushPassesWhenEverySendSucceeded() {
    writer.deadLetter(source, "map", "only");
    producer.completeNext();

    assertThatCode(writer::flush).doesNotThrowAnyException();
  }
}
