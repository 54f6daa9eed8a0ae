package lat.pipeline.receiver.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * Kafka; what it has moved is checkpointed, and fully drained segments are deleted.
 *
 * <p>Frames are {@code [length][crc32c][entry]}; every read checks the length and the CRC, so a
 * zero-filled tail (power loss) or a half frame is never taken for a record. Nothing is ever written
 * after bytes that are not known durable: after a failed write, and after a restart, the writer
 * starts a new segment, and each older segment is read only up to its last durable frame. So a torn
 * frame never hides records answered 200 after it.
 *
 * <p>The spool holds at most {@code maxBytes} of undrained records, and at most {@code maxQueueBytes}
 * wait in memory for the writer; an append beyond either fails with {@link SpoolFullException}. An
 * append not on disk within {@code writeTimeout} (a stalled disk) fails, and is then not written.
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

  /** One record read for draining, and where the spool stands after it. */
  public record Spooled(ProducerRecord<String, byte[]> record, Position end, long frameBytes) {}

  /** Records read for draining, in order. */
  public record Batch(List<Spooled> entries) {
    public List<ProducerRecord<String, byte[]>> records() {
      return entries.stream().map(Spooled::record).toList();
    }
  }

  private record Append(byte[] entry, CompletableFuture<Void> written) {}

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final long maxQueueBytes;
  private final Duration writeTimeout;
  private final Quarantine quarantine;
  private final BlockingQueue<Append> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicLong undrainedBytes = new AtomicLong();
  private final AtomicLong undrainedRecords = new AtomicLong();
  /** Where each segment that is no longer written to ends: the reader never reads past it. */
  private final Map<Long, Long> sealedEnds = new ConcurrentHashMap<>();
  private final Object durableAdvanced = new Object();
  private final Thread writer;
  private volatile boolean closed;
  private volatile boolean recovered;
  private volatile Position durableEnd = new Position(0, 0);
  private volatile long oldestUndrainedTimestamp;
  private volatile String lastWriteError;
  private volatile long batchStartedNanos;
  private FileChannel current;
  private long currentSegment;
  private Position readCursor = new Position(0, 0);
  private Position checkpoint = new Position(0, 0);

  private Spool(Path dir, long maxBytes, long segmentBytes, long maxQueueBytes, Duration writeTimeout) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    this.maxQueueBytes = maxQueueBytes;
    this.writeTimeout = writeTimeout;
    this.quarantine = new Quarantine(dir.resolve(Quarantine.DIRECTORY));
    this.writer = new Thread(this::writeLoop, "spool-writer");
    this.writer.setDaemon(true);
  }

  /**
   * Opens (or creates) the spool in a directory, recovering what a crash left there. A directory
   * that cannot be written (read-only, full, missing) does not stop the receiver: appends fail, the
   * receiver answers 503 for what the broker does not take, and the writer tries again later.
   */
  public static Spool open(Path dir, long maxBytes, long segmentBytes, long maxQueueBytes, Duration writeTimeout) {
    Spool spool = new Spool(dir, maxBytes, segmentBytes, maxQueueBytes, writeTimeout);
    spool.tryRecover();
    spool.writer.start();
    return spool;
  }

  /** Appends a record; the future completes once it is on disk, or fails (full, disk error, stalled disk). */
  public CompletableFuture<Void> append(ProducerRecord<String, byte[]> record) {
    byte[] entry = SpoolEntry.encode(record);
    CompletableFuture<Void> written = new CompletableFuture<>();
    if (closed) {
      written.completeExceptionally(new IOException("The spool is closed"));
      return written;
    }
    long size = entry.length + FRAME_HEADER;
    if (queuedBytes.addAndGet(size) > maxQueueBytes) {
      queuedBytes.addAndGet(-size);
      written.completeExceptionally(new SpoolFullException(
          "The spool's write queue is full (" + maxQueueBytes + " bytes waiting for the disk)"));
      return written;
    }
    if (undrainedBytes.addAndGet(size) > maxBytes) {
      undrainedBytes.addAndGet(-size);
      queuedBytes.addAndGet(-size);
      written.completeExceptionally(new SpoolFullException(
          "The spool is full (" + maxBytes + " bytes waiting for the broker)"));
      return written;
    }
    undrainedRecords.incrementAndGet();
    if (oldestUndrainedTimestamp == 0) {
      oldestUndrainedTimestamp = record.timestamp();
    }
    queue.add(new Append(entry, written));
    return written.orTimeout(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
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

  public Quarantine quarantine() {
    return quarantine;
  }

  /** How long the oldest undrained record has waited, in milliseconds; 0 when the spool is empty. */
  public long oldestAgeMillis() {
    long oldest = oldestUndrainedTimestamp;
    return undrainedRecords.get() == 0 || oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
  }

  /** The last disk error, or a write that has not finished within the write timeout; null when the spool writes. */
  public String lastWriteError() {
    long started = batchStartedNanos;
    if (started != 0 && System.nanoTime() - started > writeTimeout.toNanos()) {
      return "a write has not finished for " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms";
    }
    return lastWriteError;
  }

  /** Reads up to {@code max} durable records from the read cursor; waits briefly when there are none. */
  public Batch read(int max, long waitMillis) throws IOException, InterruptedException {
    synchronized (durableAdvanced) {
      if (readCursor.compareTo(durableEnd) >= 0 && waitMillis > 0) {
        durableAdvanced.wait(waitMillis);
      }
    }
    List<Spooled> entries = new ArrayList<>();
    Position position = readCursor;
    Position end = durableEnd;
    while (entries.size() < max && position.compareTo(end) < 0) {
      long segment = position.segment();
      long limit = segment == end.segment() ? end.offset() : sealedEnds.getOrDefault(segment, 0L);
      if (position.offset() >= limit) {
        position = new Position(segment + 1, 0);
        continue;
      }
      try (FileChannel channel = FileChannel.open(segmentFile(segment), StandardOpenOption.READ)) {
        long offset = position.offset();
        while (entries.size() < max && offset < limit) {
          ByteBuffer entry = readFrame(channel, offset, limit);
          if (entry == null) {
            offset = setAsideDamaged(channel, segment, offset, limit);
            break;
          }
          offset += FRAME_HEADER + entry.remaining();
          entries.add(new Spooled(SpoolEntry.decode(entry), new Position(segment, offset), FRAME_HEADER + entry.remaining()));
        }
        position = new Position(segment, offset);
      } catch (NoSuchFileException missing) {
        position = new Position(segment + 1, 0);
      }
    }
    readCursor = position;
    return new Batch(entries);
  }

  /**
   * Bytes that were whole when written (or when recovery checked them) but fail their check now:
   * the disk changed them. They are copied to the quarantine for the operator, never sent.
   */
  private long setAsideDamaged(FileChannel channel, long segment, long offset, long limit) throws IOException {
    ByteBuffer damaged = ByteBuffer.allocate((int) (limit - offset));
    channel.read(damaged, offset);
    quarantine.keepDamaged(segment, offset, damaged.array());
    undrainedBytes.addAndGet(-(limit - offset));
    LOG.error("Spool segment {} is damaged from byte {} to {}; the bytes are kept in {}", segment, offset, limit, quarantine.dir());
    return limit;
  }

  /** Marks the first {@code count} records of a batch as moved to Kafka: checkpointed, drained segments deleted. */
  public void commit(Batch batch, int count) throws IOException {
    if (count == 0) {
      return;
    }
    List<Spooled> done = batch.entries().subList(0, count);
    Position end = done.get(count - 1).end();
    writeCheckpoint(end);
    checkpoint = end;
    undrainedBytes.addAndGet(-done.stream().mapToLong(Spooled::frameBytes).sum());
    long left = undrainedRecords.addAndGet(-count);
    oldestUndrainedTimestamp = left == 0 ? 0 : done.get(count - 1).record().timestamp();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        long segment = segmentNumber(file);
        // The writer is at the commit's segment or later: an earlier segment is never written again.
        if (segment >= 0 && segment < end.segment()) {
          Files.deleteIfExists(file);
          sealedEnds.remove(segment);
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
        for (Append append : batch) {
          queuedBytes.addAndGet(-(append.entry().length + FRAME_HEADER));
        }
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
    // An append whose caller gave up (timed out while the disk stalled) was answered 503: not written.
    List<Append> live = new ArrayList<>(batch.size());
    for (Append append : batch) {
      if (append.written().isDone()) {
        forget(append);
      } else {
        live.add(append);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    Map<Long, Long> rolledEnds = new HashMap<>();
    batchStartedNanos = System.nanoTime();
    try {
      if (!recovered && !tryRecover()) {
        throw new IOException(lastWriteError);
      }
      if (current == null) {
        openNextSegment();
      }
      for (Append append : live) {
        if (current.position() >= segmentBytes) {
          rolledEnds.put(currentSegment, current.position());
          current.force(false);
          current.close();
          current = null;
          openNextSegment();
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
      sealedEnds.putAll(rolledEnds);
      synchronized (durableAdvanced) {
        durableEnd = new Position(currentSegment, current.position());
        durableAdvanced.notifyAll();
      }
      live.forEach(append -> append.written().complete(null));
    } catch (IOException e) {
      reportWriteError(e);
      abandonSegments(rolledEnds);
      for (Append append : live) {
        forget(append);
        append.written().completeExceptionally(e);
      }
    } finally {
      batchStartedNanos = 0;
    }
  }

  private void forget(Append append) {
    undrainedBytes.addAndGet(-(append.entry().length + FRAME_HEADER));
    undrainedRecords.decrementAndGet();
  }

  /**
   * After a failed write: what the batch wrote may be half a frame. Every segment it touched is
   * sealed at its last durable byte and never written again; the next write starts a new segment.
   */
  private void abandonSegments(Map<Long, Long> rolledEnds) {
    Position durable = durableEnd;
    for (long segment : rolledEnds.keySet()) {
      sealedEnds.put(segment, segment == durable.segment() ? durable.offset() : 0L);
    }
    if (current != null) {
      sealedEnds.put(currentSegment, currentSegment == durable.segment() ? durable.offset() : 0L);
      try {
        current.close();
      } catch (IOException ignored) {
        // The segment is sealed: nothing reads past its durable end, nothing writes to it again.
      }
      current = null;
    } else if (recovered) {
      // Opening the segment failed: its number may exist as an empty or partial file.
      sealedEnds.putIfAbsent(currentSegment, currentSegment == durable.segment() ? durable.offset() : 0L);
    }
  }

  /** Opens the next unused segment number; a file left there by a failed attempt is never written to. */
  private void openNextSegment() throws IOException {
    while (current == null) {
      currentSegment++;
      FileChannel channel = FileChannel.open(segmentFile(currentSegment), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (channel.size() > 0) {
        channel.close();
        sealedEnds.put(currentSegment, 0L);
      } else {
        current = channel;
      }
    }
    syncDirectory();
  }

  private void reportWriteError(IOException e) {
    if (lastWriteError == null) {
      LOG.error("The spool in {} cannot be written ({}): webhooks the broker does not take are answered 503",
          dir, e.toString());
    }
    lastWriteError = e.toString();
  }

  private boolean tryRecover() {
    try {
      recover();
      recovered = true;
      return true;
    } catch (IOException | RuntimeException e) {
      reportWriteError(e instanceof IOException io ? io : new IOException(e.toString(), e));
      return false;
    }
  }

  /**
   * Reads what a previous run left: every segment from the checkpoint on is checked frame by frame
   * and sealed at its last whole frame. Nothing is cut; new records go to a new segment.
   */
  private void recover() throws IOException {
    Files.createDirectories(dir);
    List<Long> segments;
    try (Stream<Path> files = Files.list(dir)) {
      segments = files.map(Spool::segmentNumber).filter(n -> n >= 0).sorted().toList();
    }
    checkpoint = readCheckpoint(segments.isEmpty() ? 0 : segments.get(0));
    long records = 0;
    long bytes = 0;
    long oldest = 0;
    for (long segment : segments) {
      if (segment < checkpoint.segment()) {
        continue;
      }
      try (FileChannel channel = FileChannel.open(segmentFile(segment), StandardOpenOption.READ)) {
        long size = channel.size();
        long offset = segment == checkpoint.segment() ? checkpoint.offset() : 0;
        for (ByteBuffer entry = readFrame(channel, offset, size); entry != null; entry = readFrame(channel, offset, size)) {
          if (records == 0) {
            oldest = SpoolEntry.decode(entry.duplicate()).timestamp();
          }
          records++;
          bytes += FRAME_HEADER + entry.remaining();
          offset += FRAME_HEADER + entry.remaining();
        }
        if (offset < size) {
          LOG.warn("Spool segment {} ends in {} bytes that are no whole frame (a crash or a failed write); they are not read",
              segment, size - offset);
        }
        sealedEnds.put(segment, offset);
      }
    }
    long last = segments.isEmpty() ? checkpoint.segment() : Math.max(segments.get(segments.size() - 1), checkpoint.segment());
    currentSegment = last;
    durableEnd = new Position(last + 1, 0);
    readCursor = checkpoint;
    undrainedRecords.addAndGet(records);
    undrainedBytes.addAndGet(bytes);
    if (records > 0) {
      oldestUndrainedTimestamp = oldest;
      LOG.info("Spool holds {} records ({} bytes) from before the restart; draining them to Kafka", records, bytes);
    }
  }

  /** The entry of the whole, uncorrupted frame at {@code offset}, or null when there is none before {@code limit}. */
  private static ByteBuffer readFrame(FileChannel channel, long offset, long limit) throws IOException {
    if (offset + FRAME_HEADER > limit) {
      return null;
    }
    ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER);
    channel.read(header, offset);
    header.flip();
    int length = header.getInt();
    int expectedCrc = header.getInt();
    // A zero-filled tail reads as length 0, whose CRC is 0 as well: an entry is never empty.
    if (length <= 0 || offset + FRAME_HEADER + length > limit) {
      return null;
    }
    ByteBuffer entry = ByteBuffer.allocate(length);
    channel.read(entry, offset + FRAME_HEADER);
    if (entry.hasRemaining()) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(entry.array());
    return (int) crc.getValue() == expectedCrc ? entry.flip() : null;
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
    syncDirectory();
  }

  /** Makes a created or renamed file's directory entry durable, not only the file's bytes. */
  private void syncDirectory() throws IOException {
    Quarantine.syncDirectory(dir);
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
    SpoolFullException(String message) {
      super(message);
    }
  }
}
