package lat.pipeline.schemas;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Apicurio's default datum provider with its readers and writers looked up by the schema instance.
 * The default keys its caches by the schema's parsing fingerprint, which it computes anew for every
 * record (the schema's canonical form, then its hash): a large share of the normalizer's time. The
 * schemas handed in are the resolver's own few instances, so an identity lookup finds them; the
 * tables are emptied should they ever hold more than a bound, and a miss asks the default.
 */
public final class SchemaKeyedDatumProvider<T> extends DefaultAvroDatumProvider<T> {

  private static final int MAX_SCHEMAS = 256;

  private final Map<Schema, DatumWriter<T>> specificWriters = new IdentityHashMap<>();
  private final Map<Schema, DatumReader<T>> readers = new IdentityHashMap<>();

  @Override
  public DatumWriter<T> createDatumWriter(T data, Schema schema) {
    if (!(data instanceof SpecificRecord)) {
      return super.createDatumWriter(data, schema);
    }
    return cached(specificWriters, schema, writerSchema -> super.createDatumWriter(data, writerSchema));
  }

  @Override
  public DatumReader<T> createDatumReader(Schema schema) {
    return cached(readers, schema, super::createDatumReader);
  }

  private static <D> D cached(Map<Schema, D> table, Schema schema, Function<Schema, D> create) {
    synchronized (table) {
      if (table.size() >= MAX_SCHEMAS && !table.containsKey(schema)) {
        table.clear();
      }
      return table.computeIfAbsent(schema, create);
    }
  }
}
