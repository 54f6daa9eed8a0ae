package lat.pipeline.normalizer.topology;

import java.util.Optional;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Runs a provider's mapper on each raw record. Each canonical record it yields goes on keyed by its
 * entity; a record that cannot be mapped goes on as a dead letter. Nothing is dropped here.
 */
final class MapRawEvents implements Processor<String, byte[], String, Normalized> {

  static final String STEP_HEADERS = "headers";

  private final ProviderMapper mapper;
  private ProcessorContext<String, Normalized> context;

  MapRawEvents(ProviderMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public void init(ProcessorContext<String, Normalized> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata source = context.recordMetadata().orElseThrow();
    Optional<RawEvent> event = RawRecords.toRawEvent(mapper.provider(), record.headers(), record.timestamp(),
        source.topic(), source.partition(), source.offset(), record.value());
    if (event.isEmpty()) {
      context.forward(record.withValue(new Normalized.DeadLetter(STEP_HEADERS, "The record has no tenant header",
          record.value() == null ? new byte[0] : record.value())));
      return;
    }
    MappingResult result = mapper.map(event.get());
    if (result instanceof MappingResult.Mapped mapped && mapped.records().isEmpty()) {
      // A mapper that yields nothing must not make a raw record vanish.
      context.forward(record.withValue(new Normalized.DeadLetter(MappingResult.Failed.MAP,
          "The " + mapper.provider() + " mapper produced no record", event.get().body())));
    } else if (result instanceof MappingResult.Mapped mapped) {
      mapped.records().forEach(canonical ->
          context.forward(record.withKey(canonical.key()).withValue(new Normalized.Canonical(canonical))));
    } else if (result instanceof MappingResult.Failed failed) {
      context.forward(record.withValue(new Normalized.DeadLetter(failed.step(), failed.reason(), event.get().body())));
    }
  }
}
