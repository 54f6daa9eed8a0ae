package lat.pipeline.receiver.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local append-only log of raw records that the broker did not acknowledge in time. An append
 * completes only once the record is fsync'd; one writer thread fsyncs whole batches (group commit),
 * so concurrent requests share one fsync. A drainer reads the records in order and moves them to
 * Kafka; what it has moved is checkpointed, and fully drained segments are deleted. After a crash the
 * spool reopens at the checkpoint, dropping only a torn last frame, which no caller was answered for.
 *
 * <p>Frames are {@code [length][crc32c][entry]}. The spool holds at most {@code maxBytes} of
 * undrained records; an append beyond that fails with {@link SpoolFullException}.
 */
public final class Spool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
  private static final int FRAME_HEADER = 8;
  private static final String CHECKPOINT = "checkpoint";

  /** A place in the spool: a segment and a byte position in it. */
  public record Position(long segment, long offset) implements Comparable<Position> {
    @Override
    public int compareTo(Position other) {
      return segment != other.segment ? Long.compare(segment, other.segment) : Long.compare(offset, other.offset);
    }
  }

  /** Records read for draining, and where the spool stands after them. */
  public record Batch(List<ProducerRecord<String, byte[]>> records, Position end, long bytes) {}

  private record Append(byte[] entry, CompletableFuture<Void> written) {}

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final BlockingQueue<Append> queue = new LinkedBlockingQueue<>();
  private final AtomicLong undrainedBytes = new AtomicLong();
  private final AtomicLong undrainedRecords = new AtomicLong();
  private final Object durableAdvanced = new Object();
  private final Thread writer;
  private volatile boolean closed;
  private volatile Position durableEnd = new Position(0, 0);
  private volatile long oldestUndrainedTimestamp;
  private volatile String lastWriteError;
  private FileChannel current;
  private long currentSegment;
  private Position readCursor = new Position(0, 0);
  private Position checkpoint = new Position(0, 0);

  private Spool(Path dir, long maxBytes, long segmentBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    this.writer = new Thread(this::writeLoop, "spool-writer");
    this.writer.setDaemon(true);
  }

  /**
   * Opens (or creates) the spool in a directory, recovering what a crash left there. A directory
   * that cannot be written (read-only, full, missing) does not stop the receiver: appends fail, the
   * receiver answers 503 for what the broker does not take, and the writer tries again later.
   */
  public static Spool open(Path dir, long maxBytes, long segmentBytes) {
    Spool spool = new Spool(dir, maxBytes, segmentBytes);
    spool.tryRecover();
    spool.writer.start();
    return spool;
  }

  /** Appends a record; the future completes once it is on disk, or fails (full, disk error). */
  public CompletableFuture<Void> append(ProducerRecord<String, byte[]> record) {
    byte[] entry = SpoolEntry.encode(record);
    CompletableFuture<Void> written = new CompletableFuture<>();
    if (closed) {
      written.completeExceptionally(new IOException("The spool is closed"));
      return written;
    }
    long size = entry.length + FRAME_HEADER;
    if (undrainedBytes.addAndGet(size) > maxBytes) {
      undrainedBytes.addAndGet(-size);
      written.completeExceptionally(new SpoolFullException(maxBytes));
      return written;
    }
    undrainedRecords.incrementAndGet();
    if (oldestUndrainedTimestamp == 0) {
      oldestUndrainedTimestamp = record.timestamp();
    }
    queue.add(new Append(entry, written));
    return written;
  }

  /** Whether records wait here: new records then queue behind them, so that order holds. */
  public boolean hasBacklog() {
    return undrainedRecords.get() > 0;
  }

  public long depth() {
    return undrainedRecords.get();
  }

  public long bytes() {
    return undrainedBytes.get();
  }

  /** How long the oldest undrained record has waited, in milliseconds; 0 when the spool is empty. */
  public long oldestAgeMillis() {
    long oldest = oldestUndrainedTimestamp;
    return undrainedRecords.get() == 0 || oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
  }

  /** The last disk error, while appends keep failing; null when the spool writes. */
  public String lastWriteError() {
    return lastWriteError;
  }

  /** Reads up to {@code max} durable records from the read cursor; waits briefly when there are none. */
  public Batch read(int max, long waitMillis) throws IOException, InterruptedException {
    synchronized (durableAdvanced) {
      if (readCursor.compareTo(durableEnd) >= 0 && waitMillis > 0) {
        durableAdvanced.wait(waitMillis);
      }
    }
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    Position position = readCursor;
    Position end = durableEnd;
    long bytes = 0;
    while (records.size() < max && position.compareTo(end) < 0) {
      Path file = segmentFile(position.segment());
      long limit = position.segment() == end.segment() ? end.offset() : Files.size(file);
      if (position.offset() >= limit) {
        position = new Position(position.segment() + 1, 0);
        continue;
      }
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        long offset = position.offset();
        while (records.size() < max && offset < limit) {
          ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER);
          channel.read(header, offset);
          header.flip();
          int length = header.getInt();
          ByteBuffer entry = ByteBuffer.allocate(length);
          channel.read(entry, offset + FRAME_HEADER);
          entry.flip();
          records.add(SpoolEntry.decode(entry));
          offset += FRAME_HEADER + length;
          bytes += FRAME_HEADER + length;
        }
        position = new Position(position.segment(), offset);
      }
    }
    readCursor = position;
    return new Batch(records, position, bytes);
  }

  /** Marks everything before {@code end} as moved to Kafka: checkpointed, drained segments deleted. */
  public void commit(Batch batch) throws IOException {
    writeCheckpoint(batch.end());
    checkpoint = batch.end();
    undrainedBytes.addAndGet(-batch.bytes());
    long left = undrainedRecords.addAndGet(-batch.records().size());
    oldestUndrainedTimestamp = left == 0 ? 0 : nextTimestampAfter(batch);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        long segment = segmentNumber(file);
        if (segment >= 0 && segment < batch.end().segment() && segment != currentSegment) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** After a failed drain: the next read starts again at the last checkpoint. */
  public void rewind() {
    readCursor = checkpoint;
  }

  /** Stops the writer once queued appends are on disk. */
  @Override
  public void close() throws InterruptedException {
    closed = true;
    // No interrupt: an interrupted FileChannel closes itself mid-write. The writer sees the flag
    // within its poll interval, once the queue is empty.
    writer.join(10_000);
    try {
      if (current != null) {
        current.force(true);
        current.close();
      }
    } catch (IOException e) {
      LOG.warn("Closing the spool: {}", e.toString());
    }
  }

  private long nextTimestampAfter(Batch batch) {
    // Good enough for the age metric: the oldest remaining record is at most as old as the last one drained.
    List<ProducerRecord<String, byte[]>> records = batch.records();
    return records.isEmpty() ? oldestUndrainedTimestamp : records.get(records.size() - 1).timestamp();
  }

  private void writeLoop() {
    List<Append> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Append first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 4_096);
        writeBatch(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void writeBatch(List<Append> batch) {
    try {
      if (current == null && !tryRecover()) {
        throw new IOException(lastWriteError);
      }
      for (Append append : batch) {
        if (current.position() >= segmentBytes) {
          roll();
        }
        ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER + append.entry().length);
        CRC32C crc = new CRC32C();
        crc.update(append.entry());
        frame.putInt(append.entry().length).putInt((int) crc.getValue()).put(append.entry()).flip();
        while (frame.hasRemaining()) {
          current.write(frame);
        }
      }
      current.force(false);
      lastWriteError = null;
      synchronized (durableAdvanced) {
        durableEnd = new Position(currentSegment, current.position());
        durableAdvanced.notifyAll();
      }
      batch.forEach(append -> append.written().complete(null));
    } catch (IOException e) {
      reportWriteError(e);
      recoverAfterWriteFailure(batch, e);
    }
  }

  private void reportWriteError(IOException e) {
    if (lastWriteError == null) {
      LOG.error("The spool in {} cannot be written ({}): webhooks the broker does not take are answered 503",
          dir, e.toString());
    }
    lastWriteError = e.toString();
  }

  /** Undoes the failed batch: cuts the segment back to its last durable end, so no half frame stays. */
  private void recoverAfterWriteFailure(List<Append> batch, IOException cause) {
    for (Append append : batch) {
      undrainedBytes.addAndGet(-(append.entry().length + FRAME_HEADER));
      undrainedRecords.decrementAndGet();
      append.written().completeExceptionally(cause);
    }
    try {
      if (current != null && durableEnd.segment() == currentSegment) {
        current.truncate(durableEnd.offset());
        current.position(durableEnd.offset());
      }
    } catch (IOException ignored) {
      // The next write fails again and is answered 503 the same way.
    }
  }

  private void roll() throws IOException {
    current.force(false);
    current.close();
    currentSegment++;
    current = FileChannel.open(segmentFile(currentSegment),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
  }

  private boolean tryRecover() {
    try {
      recover();
      return true;
    } catch (IOException | RuntimeException e) {
      current = null;
      reportWriteError(e instanceof IOException io ? io : new IOException(e.toString(), e));
      return false;
    }
  }

  private void recover() throws IOException {
    Files.createDirectories(dir);
    List<Long> segments;
    try (Stream<Path> files = Files.list(dir)) {
      segments = files.map(Spool::segmentNumber).filter(n -> n >= 0).sorted().toList();
    }
    checkpoint = readCheckpoint(segments.isEmpty() ? 0 : segments.get(0));
    currentSegment = segments.isEmpty() ? checkpoint.segment() : Math.max(segments.get(segments.size() - 1), checkpoint.segment());
    current = FileChannel.open(segmentFile(currentSegment),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    long validEnd = scanValidEnd(current);
    if (validEnd < current.size()) {
      LOG.warn("Spool segment {} ends in a torn frame (crash during a write); cutting it at byte {}", currentSegment, validEnd);
      current.truncate(validEnd);
    }
    current.position(validEnd);
    durableEnd = new Position(currentSegment, validEnd);
    readCursor = checkpoint;
    countUndrained(segments);
    if (undrainedRecords.get() > 0) {
      LOG.info("Spool holds {} records ({} bytes) from before the restart; draining them to Kafka",
          undrainedRecords.get(), undrainedBytes.get());
    }
  }

  private void countUndrained(List<Long> segments) throws IOException {
    for (long segment : segments) {
      if (segment < checkpoint.segment()) {
        continue;
      }
      try (FileChannel channel = FileChannel.open(segmentFile(segment), StandardOpenOption.READ)) {
        long offset = segment == checkpoint.segment() ? checkpoint.offset() : 0;
        long end = segment == currentSegment ? durableEnd.offset() : channel.size();
        while (offset < end) {
          ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER);
          channel.read(header, offset);
          header.flip();
          int length = header.getInt();
          if (undrainedRecords.get() == 0) {
            ByteBuffer entry = ByteBuffer.allocate(length);
            channel.read(entry, offset + FRAME_HEADER);
            entry.flip();
            oldestUndrainedTimestamp = SpoolEntry.decode(entry).timestamp();
          }
          undrainedRecords.incrementAndGet();
          undrainedBytes.addAndGet(FRAME_HEADER + length);
          offset += FRAME_HEADER + length;
        }
      }
    }
  }

  /** The end of the last whole, uncorrupted frame of a segment. */
  private static long scanValidEnd(FileChannel channel) throws IOException {
    long offset = 0;
    long size = channel.size();
    while (offset + FRAME_HEADER <= size) {
      ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER);
      channel.read(header, offset);
      header.flip();
      int length = header.getInt();
      int expectedCrc = header.getInt();
      if (length < 0 || offset + FRAME_HEADER + length > size) {
        break;
      }
      ByteBuffer entry = ByteBuffer.allocate(length);
      channel.read(entry, offset + FRAME_HEADER);
      CRC32C crc = new CRC32C();
      crc.update(entry.array());
      if ((int) crc.getValue() != expectedCrc) {
        break;
      }
      offset += FRAME_HEADER + length;
    }
    return offset;
  }

  private Position readCheckpoint(long firstSegment) throws IOException {
    Path file = dir.resolve(CHECKPOINT);
    if (!Files.exists(file)) {
      return new Position(firstSegment, 0);
    }
    String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
    return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
  }

  private void writeCheckpoint(Position position) throws IOException {
    Path temp = dir.resolve(CHECKPOINT + ".tmp");
    try (FileChannel channel = FileChannel.open(temp,
        StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      channel.write(ByteBuffer.wrap((position.segment() + " " + position.offset()).getBytes(StandardCharsets.UTF_8)));
      channel.force(true);
    }
    try {
      Files.move(temp, dir.resolve(CHECKPOINT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, dir.resolve(CHECKPOINT), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private Path segmentFile(long segment) {
    return dir.resolve(String.format("segment-%020d.log", segment));
  }

  private static long segmentNumber(Path file) {
    String name = file.getFileName().toString();
    if (!name.startsWith("segment-") || !name.endsWith(".log")) {
      return -1;
    }
    return Long.parseLong(name.substring("segment-".length(), name.length() - ".log".length()));
  }

  /** The spool holds as much as it may: the receiver answers 503 rather than a 200 it cannot keep. */
  public static final class SpoolFullException extends IOException {
    SpoolFullException(long maxBytes) {
      super("The spool is full (" + maxBytes + " bytes waiting for the broker)");
    }
  }
}
