package lat.pipeline.receiver.durability;

import static lat.pipeline.receiver.durability.SpoolTest.open;
import static lat.pipeline.receiver.durability.SpoolTest.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a crash or a failing disk leaves in the spool's segments is never read as records, and never costs one answered 200. */
class SpoolRecoveryTest {

  @TempDir Path dir;

  // Fails on main before this change: the zeros read as empty frames (length 0, CRC 0) and recovery
  // failed on them, or the records answered 200 after the restart were cut at the next one.
  @Test
  void aZeroFilledTailIsNoRecordAndRecordsAnswered200AfterItSurviveTheNextRestart() throws Exception {
    Spool spool = open(dir, 1 << 24, 1 << 24);
    appendAll(spool, 0, 10, 100);
    spool.close();
    // Power loss: the file grew but its last blocks were never written.
    try (var channel = java.nio.channels.FileChannel.open(segments().get(0), StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.allocate(4_096), channel.size());
    }

    Spool reopened = open(dir, 1 << 24, 1 << 24);
    assertThat(reopened.depth()).isEqualTo(10);
    appendAll(reopened, 10, 3, 100);
    reopened.close();

    assertThat(drainKeys(dir)).containsExactlyElementsOf(keys(0, 13));
  }

  // Fails on main before this change: recovery scanned only the last segment, so the half frame in
  // the earlier one was read as a record (garbage length) and recovery or draining failed.
  @Test
  void aHalfFrameLeftInAnEarlierSegmentBeforeARollIsNotReadAndTheLaterSegmentsAre() throws Exception {
    Spool spool = open(dir, 1 << 24, 1 << 16);
    appendAll(spool, 0, 4, 20_000); // rolls once: segment 1 holds 0..3, segment 2 starts with nothing
    spool.close();
    Path first = segments().get(0);
    // A failed write before the roll: half a frame at the end of the earlier segment...
    Files.write(first, new byte[] {0, 0, 78, 32, 1, 2, 3, 4, 9, 9, 9}, StandardOpenOption.APPEND);
    Spool reopened = open(dir, 1 << 24, 1 << 16);
    appendAll(reopened, 4, 2, 20_000);
    reopened.close();
    // ... and one at the start of a segment created by a roll.
    Path next = dir.resolve(String.format("segment-%020d.log", 1 + segmentNumber(segments().get(segments().size() - 1))));
    Files.write(next, new byte[] {0, 0, 78, 32, 5, 6, 7});

    Spool again = open(dir, 1 << 24, 1 << 16);
    assertThat(again.depth()).isEqualTo(6);
    appendAll(again, 6, 1, 20_000);
    again.close();
    assertThat(drainKeys(dir)).containsExactlyElementsOf(keys(0, 7));
  }

  // Fails on main before this change: the rolled-to segment stayed the writer's file, every later
  // append failed until a restart.
  @Test
  void aFailedRollDoesNotLeaveTheSpoolUnusable() throws Exception {
    Spool spool = open(dir, 1 << 24, 1 << 16);
    appendAll(spool, 0, 4, 20_000);
    long last = segmentNumber(segments().get(segments().size() - 1));
    // The segment the next roll opens is /dev/full: the write after the roll fails.
    Files.createSymbolicLink(dir.resolve(String.format("segment-%020d.log", last + 1)), Path.of("/dev/full"));
    assertThatThrownBy(() -> spool.append(record(4, 20_000)).get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    appendAll(spool, 5, 2, 20_000);
    spool.close();
    assertThat(drainKeys(dir)).containsExactlyElementsOf(List.of("tenant-0", "tenant-1", "tenant-2", "tenant-3", "tenant-5", "tenant-6"));
  }

  /**
   * A real full disk, on a 1 MiB tmpfs: the write after a roll stops half-way (ENOSPC), space comes
   * back, more records are answered; after a restart every answered record is there, the half frame is not.
   * Fails on main before this change: the later records were written after the half frame and cut at recovery.
   */
  @Test
  void aHalfFrameAfterARollOnAFullDiskCostsNoRecordAnswered200() throws Exception {
    Path mount = Files.createTempDirectory("spool-tmpfs");
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString()), "cannot mount a tmpfs here");
    try {
      Path spoolDir = mount.resolve("spool");
      Spool spool = open(spoolDir, 1 << 24, 1 << 16);
      appendAll(spool, 0, 4, 20_000); // the segment is past 64 KiB: the next append rolls
      Path filler = mount.resolve("filler");
      long free = Files.getFileStore(mount).getUsableSpace();
      Files.write(filler, new byte[(int) Math.max(0, free - 8_192)]);
      assertThatThrownBy(() -> spool.append(record(4, 20_000)).get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
      Files.delete(filler);
      appendAll(spool, 5, 2, 20_000);
      spool.close();
      assertThat(drainKeys(spoolDir)).containsExactlyElementsOf(List.of("tenant-0", "tenant-1", "tenant-2", "tenant-3", "tenant-5", "tenant-6"));
    } finally {
      run("umount", mount.toString());
    }
  }

  // Fails on main before this change: the append future never completed while the disk hung, so the
  // request hung with it instead of being answered 503.
  @Test
  void aStalledDiskFailsTheAppendWithinTheWriteTimeoutAndSaysSo() throws Exception {
    Spool spool = Spool.open(dir, 1 << 24, 1 << 16, 1 << 26, java.time.Duration.ofMillis(300));
    // The next segment is a named pipe without a reader: opening it blocks, as a hung disk would.
    Path fifo = dir.resolve(String.format("segment-%020d.log", 1));
    assumeTrue(run("mkfifo", fifo.toString()), "mkfifo is not available");
    long started = System.nanoTime();
    assertThatThrownBy(() -> spool.append(record(0, 100)).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2_000);
    assertThat(spool.lastWriteError()).contains("has not finished");
    // The disk comes back (a reader opens the pipe and goes away): the writer moves on to a new segment.
    Files.newInputStream(fifo).close();
    spool.append(record(1, 100)).get(5, TimeUnit.SECONDS);
    assertThat(spool.read(10, 0).records()).extracting(ProducerRecord::key).containsExactly("tenant-1");
    spool.close();
  }

  private static void appendAll(Spool spool, int from, int count, int size) throws Exception {
    for (int i = from; i < from + count; i++) {
      spool.append(record(i, size)).get(5, TimeUnit.SECONDS);
    }
  }

  private static List<String> drainKeys(Path dir) throws Exception {
    Spool spool = open(dir, 1 << 24, 1 << 16);
    List<String> keys = new ArrayList<>();
    for (Spool.Batch batch = spool.read(3, 0); !batch.entries().isEmpty(); batch = spool.read(3, 0)) {
      batch.records().stream().map(ProducerRecord::key).forEach(keys::add);
      spool.commit(batch, batch.entries().size());
    }
    assertThat(spool.depth()).as("counted records equal read records").isZero();
    spool.close();
    return keys;
  }

  private static List<String> keys(int from, int to) {
    List<String> keys = new ArrayList<>();
    for (int i = from; i < to; i++) {
      keys.add("tenant-" + i);
    }
    return keys;
  }

  private List<Path> segments() throws IOException {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("segment-")).sorted().toList();
    }
  }

  private static long segmentNumber(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring("segment-".length(), name.length() - ".log".length()));
  }

  private static boolean run(String... command) throws InterruptedException {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException notAvailable) {
      return false;
    }
  }
}
