package lat.pipeline.receiver.http;

import io.javalin.http.Context;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The W3C trace context a webhook's raw record carries: the request's own {@code traceparent} and
 * {@code tracestate} when valid (kept as sent: the receiver exports no spans, so a span id of its own
 * would point at a span nobody records), otherwise a new sampled root.
 */
final class TraceContexts {

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  private static final TextMapGetter<Context> REQUEST_HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Context ctx) {
      return ctx.headerMap().keySet();
    }

    @Override
    public String get(Context ctx, String name) {
      return ctx == null ? null : ctx.header(name);
    }
  };

  private TraceContexts() {}

  static Map<String, String> of(Context ctx) {
    io.opentelemetry.context.Context trace =
        W3C.extract(io.opentelemetry.context.Context.root(), ctx, REQUEST_HEADERS);
    if (!Span.fromContext(trace).getSpanContext().isValid()) {
      trace = io.opentelemetry.context.Context.root().with(Span.wrap(newRoot()));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    W3C.inject(trace, headers, Map::put);
    return headers;
  }

  private static SpanContext newRoot() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String traceId;
    do {
      traceId = TraceId.fromLongs(random.nextLong(), random.nextLong());
    } while (!TraceId.isValid(traceId));
    String spanId;
    do {
      spanId = SpanId.fromLong(random.nextLong());
    } while (!SpanId.isValid(spanId));
    return SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
  }
}
