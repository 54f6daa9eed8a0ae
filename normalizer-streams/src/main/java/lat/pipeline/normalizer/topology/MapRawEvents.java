package lat.pipeline.normalizer.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.schemas.CloudEventHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
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
    byte[] body = record.value() == null ? new byte[0] : record.value();
    String tenant = header(record.headers(), CloudEventHeaders.TENANT);
    if (tenant == null) {
      context.forward(record.withValue(new Normalized.DeadLetter(STEP_HEADERS, "The record has no tenant header", body)));
      return;
    }
    RecordMetadata source = context.recordMetadata().orElseThrow();
    RawEvent event = new RawEvent(
        mapper.provider(),
        tenant,
        headerOr(record.headers(), CloudEventHeaders.TYPE, CloudEventHeaders.defaultType(mapper.provider())),
        header(record.headers(), CloudEventHeaders.ID),
        receivedAt(record),
        source.topic(),
        source.partition(),
        source.offset(),
        body);
    MappingResult result = mapper.map(event);
    if (result instanceof MappingResult.Mapped mapped) {
      mapped.records().forEach(canonical ->
          context.forward(record.withKey(canonical.key()).withValue(new Normalized.Canonical(canonical))));
    } else if (result instanceof MappingResult.Failed failed) {
      context.forward(record.withValue(new Normalized.DeadLetter(failed.step(), failed.reason(), body)));
    }
  }

  private static Instant receivedAt(Record<String, byte[]> record) {
    String time = header(record.headers(), CloudEventHeaders.TIME);
    if (time != null) {
      try {
        return Instant.parse(time);
      } catch (DateTimeParseException notRfc3339) {
        // fall back to the record's timestamp, which the receiver sets to the same instant
      }
    }
    return Instant.ofEpochMilli(record.timestamp());
  }

  private static String headerOr(Headers headers, String name, String fallback) {
    String value = header(headers, name);
    return value == null ? fallback : value;
  }

  static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
