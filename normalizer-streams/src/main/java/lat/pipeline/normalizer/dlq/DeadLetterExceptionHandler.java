package lat.pipeline.normalizer.dlq;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Kafka Streams does with a record that fails outside the mappers: an unexpected exception in
 * a processor, or a canonical value the serde cannot write (the registry is down, a schema is
 * refused). The original raw bytes and headers go to {@code dlq.normalizer} with the reason, in the
 * same transaction as the input offset, and the topology goes on. Other send errors fail the task:
 * with exactly-once it restarts from the last commit, so nothing is lost.
 */
public final class DeadLetterExceptionHandler implements ProcessingExceptionHandler, ProductionExceptionHandler {

  public static final String STEP_PROCESS = "process";
  public static final String STEP_SERIALIZE = "serialize";
  public static final String STEP_PRODUCE = "produce";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public ProcessingExceptionHandler.Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    return ProcessingExceptionHandler.Response.resume(deadLetter(context, STEP_PROCESS, exception));
  }

  @Override
  public ProductionExceptionHandler.Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    return ProductionExceptionHandler.Response.resume(deadLetter(context, STEP_SERIALIZE, exception));
  }

  @Override
  public ProductionExceptionHandler.Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RecordTooLargeException) {
      return ProductionExceptionHandler.Response.resume(deadLetter(context, STEP_PRODUCE, exception));
    }
    return ProductionExceptionHandler.Response.fail();
  }

  private static List<ProducerRecord<byte[], byte[]>> deadLetter(
      ErrorHandlerContext context, String step, Exception exception) {
    String reason = DeadLetters.describe(exception);
    LOG.warn("Dead-lettering {}-{}@{} at step {}: {}", context.topic(), context.partition(), context.offset(), step, reason);
    return List.of(DeadLetters.record(
        context.sourceRawKey(),
        context.sourceRawValue(),
        DeadLetters.headers(context.headers(), step, reason, context.topic(), context.partition(), context.offset())));
  }
}
