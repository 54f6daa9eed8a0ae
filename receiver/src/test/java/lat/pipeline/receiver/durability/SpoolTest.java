package lat.pipeline.receiver.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  @TempDir Path dir;

  @Test
  void recordsComeBackInOrderWithTheirHeadersAcrossSegmentsAndARestart() throws Exception {
    Spool spool = open(dir, 1 << 24, 1 << 16);
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      writes.add(spool.append(record(i, 500)));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(spool.depth()).isEqualTo(300);
    Spool.Batch first = spool.read(100, 0);
    spool.commit(first, first.entries().size());
    spool.close();

    Spool reopened = open(dir, 1 << 24, 1 << 16);
    assertThat(reopened.depth()).isEqualTo(200);
    List<ProducerRecord<String, byte[]>> rest = new ArrayList<>();
    for (Spool.Batch batch = reopened.read(64, 0); !batch.records().isEmpty(); batch = reopened.read(64, 0)) {
      rest.addAll(batch.records());
    }
    assertThat(rest).hasSize(200);
    assertThat(new String(rest.get(0).headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8)).isEqualTo("id-100");
    assertThat(rest.get(199).key()).isEqualTo("tenant-299");
    assertThat(rest.get(199).timestamp()).isEqualTo(299);
    reopened.close();
  }

  @Test
  void aTornLastFrameAfterACrashIsCutAndTheRecordsBeforeItAreKept() throws Exception {
    Spool spool = open(dir, 1 << 24, 1 << 24);
    for (int i = 0; i < 10; i++) {
      spool.append(record(i, 100)).get(5, TimeUnit.SECONDS);
    }
    spool.close();
    Path segment;
    try (var files = Files.list(dir)) {
      segment = files.filter(f -> f.getFileName().toString().startsWith("segment-")).findFirst().orElseThrow();
    }
    // A crash mid-write: half a frame at the end, which no caller was answered for.
    Files.write(segment, new byte[] {0, 0, 1, 0, 7, 7, 7}, StandardOpenOption.APPEND);

    Spool reopened = open(dir, 1 << 24, 1 << 24);
    assertThat(reopened.depth()).isEqualTo(10);
    assertThat(reopened.read(100, 0).records()).hasSize(10);
    reopened.append(record(10, 100)).get(5, TimeUnit.SECONDS);
    assertThat(reopened.read(100, 0).records()).extracting(ProducerRecord::key).containsExactly("tenant-10");
    reopened.close();
  }

  @Test
  void aFullSpoolRefusesTheAppendInsteadOfPromisingIt() throws Exception {
    Spool spool = open(dir, 70_000, 1 << 24);
    spool.append(record(0, 30_000)).get(5, TimeUnit.SECONDS);
    spool.append(record(1, 30_000)).get(5, TimeUnit.SECONDS);
    assertThatThrownBy(() -> spool.append(record(2, 30_000)).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(Spool.SpoolFullException.class);
    spool.close();
  }

  @Test
  void aDiskThatIsFullFailsTheAppendAndSaysWhyAndTheNextSegmentIsUsable() throws Exception {
    Spool spool = open(dir, 1 << 24, 1 << 24);
    // The next segment file is /dev/full: every write to it fails with "No space left on device".
    Files.createSymbolicLink(dir.resolve(String.format("segment-%020d.log", 1)), Path.of("/dev/full"));
    assertThatThrownBy(() -> spool.append(record(0, 100)).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("No space left on device");
    assertThat(spool.lastWriteError()).contains("No space left on device");
    assertThat(spool.depth()).isZero();
    spool.append(record(1, 100)).get(5, TimeUnit.SECONDS);
    assertThat(spool.lastWriteError()).isNull();
    assertThat(spool.read(10, 0).records()).extracting(ProducerRecord::key).containsExactly("tenant-1");
    spool.close();
  }

  static Spool open(Path dir, long maxBytes, long segmentBytes) {
    return Spool.open(dir, maxBytes, segmentBytes, 1 << 26, java.time.Duration.ofSeconds(5));
  }

  static ProducerRecord<String, byte[]> record(int i, int size) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("ce_id", ("id-" + i).getBytes(StandardCharsets.UTF_8));
    byte[] value = new byte[size];
    java.util.Arrays.fill(value, (byte) ('a' + i % 26));
    return new ProducerRecord<>("raw.alegra", null, (long) i, "tenant-" + i, value, headers);
  }
}
