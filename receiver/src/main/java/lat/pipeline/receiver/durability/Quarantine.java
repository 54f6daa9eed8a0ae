package lat.pipeline.receiver.durability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import lat.pipeline.schemas.RawRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Spooled records the broker refused for good (too large for the topic, not authorized, ...), set
 * aside so that the drain goes on behind them. Each is one file {@code <ce_id>.record} (the spool's
 * entry format) next to {@code <ce_id>.reason} (the broker's answer, as text), in the spool's
 * {@code quarantine} directory; bytes of a segment that the disk damaged land there as
 * {@code damaged-*.bin}. {@code lat.pipeline.receiver.QuarantineResend} sends the records again once the cause is fixed.
 */
public final class Quarantine {

  public static final String DIRECTORY = "quarantine";
  static final String RECORD = ".record";

  private final Path dir;
  private final AtomicLong count = new AtomicLong(-1);

  public Quarantine(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** Records waiting here; counted from the directory once, then kept up to date. */
  public long count() {
    if (count.get() < 0) {
      count.compareAndSet(-1, records().size());
    }
    return count.get();
  }

  /** Keeps a refused record durably (fsync'd file and directory) before the spool moves past it. */
  public void keep(ProducerRecord<String, byte[]> record, Throwable reason) throws IOException {
    String name = safeName(RawRecords.idOf(record.headers()), record.timestamp());
    count();
    write(dir.resolve(name + ".reason"), String.valueOf(reason).getBytes(StandardCharsets.UTF_8));
    write(dir.resolve(name + RECORD), SpoolEntry.encode(record));
    count.incrementAndGet();
  }

  void keepDamaged(long segment, long offset, byte[] bytes) throws IOException {
    write(dir.resolve("damaged-" + segment + "-" + offset + ".bin"), bytes);
  }

  /** Every quarantined record file, oldest name first. */
  public List<Path> records() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(RECORD)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ProducerRecord<String, byte[]> read(Path recordFile) throws IOException {
    return SpoolEntry.decode(ByteBuffer.wrap(Files.readAllBytes(recordFile)));
  }

  /**
   * Sends every quarantined record again, in name order, waiting for each acknowledgement; a record
   * the broker takes is deleted, one it refuses again stays. Returns how many were sent.
   */
  public int resend(Producer<String, byte[]> producer) throws IOException, InterruptedException {
    int sent = 0;
    for (Path file : records()) {
      try {
        producer.send(read(file)).get();
      } catch (java.util.concurrent.ExecutionException refusedAgain) {
        Files.writeString(reasonFile(file), String.valueOf(refusedAgain.getCause()));
        continue;
      }
      Files.delete(file);
      Files.deleteIfExists(reasonFile(file));
      sent++;
    }
    count.set(-1);
    return sent;
  }

  private static Path reasonFile(Path recordFile) {
    String name = recordFile.getFileName().toString();
    return recordFile.resolveSibling(name.substring(0, name.length() - RECORD.length()) + ".reason");
  }

  private void write(Path target, byte[] bytes) throws IOException {
    Files.createDirectories(dir);
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel channel = FileChannel.open(temp,
        StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(dir);
  }

  /** fsync of a directory, so that a created or renamed entry survives a power loss. */
  static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static String safeName(String id, long timestamp) {
    return String.format("%013d-", timestamp) + (id == null ? "no-id" : id.replaceAll("[^A-Za-z0-9-]", "_"));
  }
}
