package lat.pipeline.normalizer.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.topology.CanonicalTopics;
import lat.pipeline.normalizer.topology.LastEmitted;
import lat.pipeline.normalizer.topology.NormalizationPath;
import lat.pipeline.normalizer.topology.VariantJoin;
import lat.pipeline.schemas.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * What replay and re-drive remember while they run, in a RocksDB store in a temporary directory
 * (off the heap, so memory stays bounded however long the raw topic is kept): the last state
 * emitted for each entity, first read from the canonical topics (the latest record per key), then
 * updated as records are emitted; the variant table; the prices and stock emitted for each product
 * (so that a deletion the replay emits retracts them, as the topology's {@code <provider>-dependents}
 * store does); and the event ids seen, forgotten after the dedupe retention as in the topology.
 * Deleted on close. Replay's workers share it: each key names one tenant, and a tenant's raw records
 * are on one partition, read by one worker, so no two workers touch the same key.
 */
final class LocalState implements NormalizationPath.State, AutoCloseable {

  static {
    RocksDB.loadLibrary();
  }

  private static final byte SEEN = 's';
  private static final byte EMITTED = 'e';
  private static final byte VARIANT = 'v';
  /** {@code d{product}\n{entity key}}: a price or stock emitted for the product (keys never hold a newline). */
  private static final byte DEPENDENT = 'd';
  /** {@code p{entity key}}: the product a price or stock was emitted for. */
  private static final byte PRODUCT_OF = 'p';

  private final Path directory;
  private final Options options;
  private final WriteOptions writes;
  private final RocksDB db;
  private final long retentionMillis;
  private final LongAdder entities = new LongAdder();

  LocalState(Duration retention) {
    try {
      this.directory = Files.createTempDirectory("normalizer-replay-state");
      this.options = new Options().setCreateIfMissing(true);
      // Rebuilt from the canonical topics on every run: no write-ahead log needed.
      this.writes = new WriteOptions().setDisableWAL(true);
      this.db = RocksDB.open(options, directory.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RocksDBException e) {
      throw new IllegalStateException("Could not open the replay's local store", e);
    }
    this.retentionMillis = retention.toMillis();
  }

  /** Reads every canonical topic's latest record per key whose key starts with the prefix, with one consumer. */
  LocalState loadCanonical(KafkaClients kafka, String keyPrefix) {
    Map<String, CanonicalEntity> entities = new HashMap<>();
    for (CanonicalEntity entity : CanonicalEntity.values()) {
      entities.put(CanonicalTopics.of(entity).name(), entity);
    }
    BoundedRead.ofAll(kafka, List.copyOf(entities.keySet())).forEach(record -> {
      if (record.key() == null || !record.key().startsWith(keyPrefix)) {
        return;
      }
      CanonicalEntity entity = entities.get(record.topic());
      if (record.value() == null) {
        // A tombstone: a price or stock retracted with its product is no longer one of its dependents.
        forgetDependent(CanonicalRecord.entityKey(entity, record.key()));
        return;
      }
      Topic<String, ? extends SpecificRecord> topic = CanonicalTopics.of(entity);
      SpecificRecord value = topic.valueSerde().deserializer().deserialize(topic.name(), record.headers(), record.value());
      NormalizationPath.learn(new CanonicalRecord(entity, record.key(), value, null, null), this);
    });
    return this;
  }

  /** Entities written to the store, counting one updated twice twice: for the progress line. */
  long entitiesWritten() {
    return entities.sum();
  }

  @Override
  public boolean firstSighting(String eventId, long now) {
    byte[] key = key(SEEN, eventId);
    byte[] seenAt = get(key);
    if (seenAt != null && Math.abs(now - ByteBuffer.wrap(seenAt).getLong()) <= retentionMillis) {
      return false;
    }
    put(key, ByteBuffer.allocate(Long.BYTES).putLong(now).array());
    return true;
  }

  @Override
  public LastEmitted lastEmitted(String entityKey) {
    byte[] last = get(key(EMITTED, entityKey));
    return last == null ? null : LastEmitted.decode(new String(last, StandardCharsets.UTF_8));
  }

  @Override
  public void emitted(String entityKey, LastEmitted last) {
    entities.increment();
    put(key(EMITTED, entityKey), last.encode().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public VariantJoin.KnownVariant variant(String variantKey) {
    byte[] known = get(key(VARIANT, variantKey));
    return known == null ? null : VariantJoin.KnownVariant.decode(new String(known, StandardCharsets.UTF_8));
  }

  @Override
  public void variantEmitted(String variantKey, VariantJoin.KnownVariant variant) {
    put(key(VARIANT, variantKey), variant.encode().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void dependentEmitted(String product, String entityKey) {
    forgetDependent(entityKey);
    put(key(DEPENDENT, product + "\n" + entityKey), new byte[0]);
    put(key(PRODUCT_OF, entityKey), product.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public List<String> dependents(String product) {
    byte[] prefix = key(DEPENDENT, product + "\n");
    List<String> entityKeys = new ArrayList<>();
    try (RocksIterator entries = db.newIterator()) {
      for (entries.seek(prefix); entries.isValid() && startsWith(entries.key(), prefix); entries.next()) {
        byte[] found = entries.key();
        entityKeys.add(new String(found, prefix.length, found.length - prefix.length, StandardCharsets.UTF_8));
      }
    }
    entityKeys.forEach(this::forgetDependent);
    return entityKeys;
  }

  /** The entity is no longer a dependent of the product it was emitted for (retracted, or emitted for another). */
  private void forgetDependent(String entityKey) {
    byte[] product = get(key(PRODUCT_OF, entityKey));
    if (product != null) {
      delete(key(DEPENDENT, new String(product, StandardCharsets.UTF_8) + "\n" + entityKey));
      delete(key(PRODUCT_OF, entityKey));
    }
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] key(byte kind, String name) {
    byte[] text = name.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(text.length + 1).put(kind).put(text).array();
  }

  private byte[] get(byte[] key) {
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw new IllegalStateException("The replay's local store failed to read", e);
    }
  }

  private void put(byte[] key, byte[] value) {
    try {
      db.put(writes, key, value);
    } catch (RocksDBException e) {
      throw new IllegalStateException("The replay's local store failed to write", e);
    }
  }

  private void delete(byte[] key) {
    try {
      db.delete(writes, key);
    } catch (RocksDBException e) {
      throw new IllegalStateException("The replay's local store failed to write", e);
    }
  }

  @Override
  public void close() {
    db.close();
    writes.close();
    options.close();
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
