package lat.pipeline.normalizer.bsale;

import java.time.Duration;
import lat.pipeline.normalizer.dlq.DeadLetters;
import lat.pipeline.normalizer.health.NormalizerMetrics;
import lat.pipeline.normalizer.mapping.Json;
import lat.pipeline.normalizer.mapping.MappingException;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.providers.bsale.BsaleNotification;
import lat.pipeline.normalizer.dedupe.SeenEventIds;
import lat.pipeline.schemas.FetchRequests;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The Bsale notification sub-topology: {@code raw.bsale} -> parse the notification into a fetch
 * request (what cannot be parsed or fetched, e.g. names no cpnId, goes to {@code dlq.normalizer} with the reason)
 * -> drop redeliveries by delivery id -> {@code bsale.fetch-requests}, keyed by tenant, value the
 * request encoded by {@link FetchRequests} (which the fetcher decodes), the raw headers plus the
 * delivery id. The fetcher answers into {@code raw.bsale.resources}, which the Bsale mapper maps
 * like any other raw topic.
 */
public final class BsaleNotifications {

  /** The {@code provider} tag of this step's metrics. */
  public static final String METRICS_TAG = "bsale-notifications";
  static final String SEEN_STORE = "bsale-notification-seen-ids";

  private final Duration dedupeRetention;
  private final NormalizerMetrics metrics;

  public BsaleNotifications(Duration dedupeRetention, NormalizerMetrics metrics) {
    this.dedupeRetention = dedupeRetention;
    this.metrics = metrics;
  }

  /** What the parse step made of one notification: its fetch request, or why it has none. */
  record Parsed(FetchRequests.Request request, String failedStep, String reason) {
    boolean failed() {
      return request == null;
    }
  }

  /**
   * Parses a notification that arrived on {@code tenant}'s URL into its fetch request.
   *
   * @throws MappingException when it is not a notification, names no cpnId (no company's token could
   *     answer it), or is a price without its price list (no endpoint answers it)
   */
  public static FetchRequests.Request fetchRequest(String tenant, byte[] body) {
    BsaleNotification notification = BsaleNotification.parse(Json.parse(body, "body"), "body");
    if (notification.fields().id("cpnId") == null) {
      throw MappingException.map("body names no cpnId");
    }
    if (notification.topic().equals("price") && notification.scope() == null) {
      throw MappingException.map("body is a price notification that names no priceListId");
    }
    return notification.fetchRequest(tenant);
  }

  public void addTo(StreamsBuilder builder) {
    Topic<String, byte[]> raw = Topics.RAW_BSALE;
    builder.addStateStore(SeenEventIds.storeBuilder(SEEN_STORE, dedupeRetention));
    KStream<String, byte[]> notifications =
        builder.stream(raw.name(), Consumed.with(raw.keySerde(), raw.valueSerde()).withName("read-" + raw.name()));
    notifications
        .processValues(ParseNotification::new, Named.as("parse-bsale-notification"))
        .split(Named.as("route-bsale-notification-"))
        .branch((tenant, parsed) -> parsed.value().failed(),
            Branched.withConsumer(this::writeDeadLetters, "dead-letters"))
        .defaultBranch(Branched.withConsumer(this::dedupeAndRequestFetch, "fetch"));
  }

  /** Carries the raw bytes beside what parsing found, so both branches still have them. */
  record WithBytes(byte[] body, Parsed value) {}

  private static final class ParseNotification extends ContextualFixedKeyProcessor<String, byte[], WithBytes> {
    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
      byte[] body = record.value() == null ? new byte[0] : record.value();
      String tenant = RawRecords.tenantOf(record.headers());
      Parsed parsed;
      if (tenant == null) {
        parsed = new Parsed(null, "headers", "The record has no tenant header");
      } else {
        try {
          parsed = new Parsed(fetchRequest(tenant, body), null, null);
        } catch (MappingException e) {
          parsed = new Parsed(null, e.step(), e.getMessage());
        } catch (RuntimeException e) {
          parsed = new Parsed(null, MappingResult.Failed.PARSE, "unexpected " + e.getClass().getSimpleName());
        }
      }
      context().forward(record.withValue(new WithBytes(body, parsed)));
    }
  }

  private void writeDeadLetters(KStream<String, WithBytes> deadLetters) {
    deadLetters
        .processValues(() -> new ContextualFixedKeyProcessor<String, WithBytes, byte[]>() {
          @Override
          public void process(FixedKeyRecord<String, WithBytes> record) {
            Parsed parsed = record.value().value();
            var source = context().recordMetadata().orElseThrow();
            metrics.deadLettered(METRICS_TAG, parsed.failedStep());
            context().forward(record.withValue(record.value().body()).withHeaders(DeadLetters.headers(
                record.headers(), parsed.failedStep(), parsed.reason(), source.topic(), source.partition(), source.offset())));
          }
        }, Named.as("dead-letter-bsale-notification"))
        .to(Topics.DLQ_NORMALIZER.name(),
            Produced.with(Topics.DLQ_NORMALIZER.keySerde(), Topics.DLQ_NORMALIZER.valueSerde())
                .withName("write-dead-letters-bsale-notifications"));
  }

  private void dedupeAndRequestFetch(KStream<String, WithBytes> parsed) {
    Topic<String, byte[]> requests = Topics.BSALE_FETCH_REQUESTS;
    parsed
        .processValues(() -> new DropRedeliveries(dedupeRetention, metrics), Named.as("dedupe-bsale-notification"), SEEN_STORE)
        .to(requests.name(), Produced.with(requests.keySerde(), requests.valueSerde()).withName("write-" + requests.name()));
  }

  /**
   * Forwards a notification the first time its delivery id is seen within the retention, with the
   * delivery id as a header; a redelivery is counted, not forwarded. The raw key is the tenant, so
   * every notification of a tenant reaches the same task and its store.
   */
  private static final class DropRedeliveries implements org.apache.kafka.streams.processor.api.FixedKeyProcessor<String, WithBytes, byte[]> {
    private final Duration retention;
    private final NormalizerMetrics metrics;
    private FixedKeyProcessorContext<String, byte[]> context;
    private SeenEventIds seen;

    DropRedeliveries(Duration retention, NormalizerMetrics metrics) {
      this.retention = retention;
      this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, byte[]> context) {
      this.context = context;
      this.seen = new SeenEventIds(context.getStateStore(SEEN_STORE), retention);
    }

    @Override
    public void process(FixedKeyRecord<String, WithBytes> record) {
      FetchRequests.Request request = record.value().value().request();
      String deliveryId = request.deliveryId();
      if (!seen.firstSighting(deliveryId, record.timestamp())) {
        metrics.duplicate(METRICS_TAG);
        return;
      }
      context.forward(record.withValue(FetchRequests.encode(request)).withHeaders(FetchRequests.headers(record.headers(), request)));
    }
  }
}
