package lat.pipeline.schemas;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Record headers of the raw topics: the CloudEvents Kafka protocol binding in binary mode
 * (the value is the request body as received, metadata travels in {@code ce_*} headers).
 */
public final class CloudEventHeaders {
  public static final String SPEC_VERSION = "ce_specversion";
  public static final String ID = "ce_id";
  public static final String SOURCE = "ce_source";
  public static final String TYPE = "ce_type";
  public static final String TIME = "ce_time";
  public static final String CONTENT_TYPE = "content-type";
  public static final String TENANT = "tenant";
  /** {@code true} when the record went through the receiver's local spool (the broker was slow or down). */
  public static final String SPOOLED = "spooled";
  /**
   * W3C trace context of the webhook request (or a new one when it had none), as OpenTelemetry's
   * Kafka instrumentation names it; every record derived from the raw one carries it on.
   */
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";

  public static final String SPEC_VERSION_VALUE = "1.0";

  private CloudEventHeaders() {}

  /** Just the trace context of {@code headers}, for a record derived from one that carries no other header. */
  public static Headers traceContextOf(Headers headers) {
    RecordHeaders trace = new RecordHeaders();
    for (String name : new String[] {TRACEPARENT, TRACESTATE}) {
      Header header = headers.lastHeader(name);
      if (header != null) {
        trace.add(name, header.value());
      }
    }
    return trace;
  }

  /** {@code ce_source} of a webhook: the URL path without the event key or the query. */
  public static String source(String provider, String tenant) {
    return "/webhooks/" + provider + "/" + tenant;
  }

  /** {@code ce_type} when the URL names no event key. */
  public static String defaultType(String provider) {
    return provider + ".webhook";
  }
}
