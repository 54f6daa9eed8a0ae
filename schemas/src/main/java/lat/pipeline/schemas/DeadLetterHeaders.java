package lat.pipeline.schemas;

/**
 * Headers that {@code dlq.normalizer} adds to the original record's bytes and headers: why it
 * failed, at which step, and where the original lies in its raw topic.
 */
public final class DeadLetterHeaders {
  public static final String STEP = "dlq.step";
  public static final String REASON = "dlq.reason";
  public static final String SOURCE_TOPIC = "dlq.source.topic";
  public static final String SOURCE_PARTITION = "dlq.source.partition";
  public static final String SOURCE_OFFSET = "dlq.source.offset";
  public static final String FAILED_AT = "dlq.failed.at";

  private DeadLetterHeaders() {}
}
