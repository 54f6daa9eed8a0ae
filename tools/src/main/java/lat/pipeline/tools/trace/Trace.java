package lat.pipeline.tools.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.schemas.BsaleResources;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.FetchRequests;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import lat.pipeline.schemas.UnreadableRecord;
import lat.pipeline.tools.Command;
import lat.pipeline.tools.CommandLine;
import lat.pipeline.tools.RecordJson;
import lat.pipeline.tools.Times;
import lat.pipeline.tools.ToolsConfig;
import lat.pipeline.tools.TopicScan;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./pipeline trace ID [--window DURATION]}: what the pipeline did with one webhook, from the
 * id the receiver answered. The id is a UUID v7, so it tells when the webhook was received; every
 * topic is read only between a minute before that and {@code --window} after it, from the offsets
 * the broker's time index gives ({@code offsetsForTimes}), record by record, keeping only what
 * belongs to the trail:
 * <ol>
 *   <li>the raw record: {@code ce_id} equal to the id, in any raw topic;
 *   <li>for Bsale, the fetch request ({@code bsale.fetch-requests}, same {@code ce_id}) and the
 *       fetched resource ({@code raw.bsale.resources}: same {@code ce_id}, or the fetch of the same
 *       resource that a later notification's fetch answered, when they were coalesced);
 *   <li>canonical records whose {@code metadata} names the id ({@code receiveId}) or one of those
 *       records ({@code rawTopic/rawPartition/rawOffset}), among keys {@code {provider}:{tenant}:};
 *   <li>dead letters with the same {@code ce_id} or {@code dlq.source.*} pointing at one of them.
 * </ol>
 * Raw records, fetch requests, resources and dead letters are keyed by tenant, so once the raw
 * record is found only the tenant's partition of those topics is read.
 *
 * <p>{@link #find} gives the trail as a {@link Result}: the command prints it ({@link #print}), the
 * console renders it.
 */
public final class Trace implements Command {

  public static final String USAGE = "usage: ./pipeline trace ID [--window DURATION (default 1h)]";

  static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
  /** The raw record's timestamp is taken a moment before or after the id: a margin before the id's time. */
  static final Duration MARGIN = Duration.ofMinutes(1);

  /** @param window how long after the receive time derived records are looked for */
  public record Options(ReceiveId id, Duration window) {
    public static Options parse(String[] args) {
      CommandLine line = CommandLine.parse(args, Set.of("window"), Set.of());
      Duration window = line.option("window").map(Times::duration).orElse(DEFAULT_WINDOW);
      if (window.isNegative() || window.isZero()) {
        throw new CommandLine.UsageException("--window must be positive");
      }
      return new Options(ReceiveId.parse(line.single("ID")), window);
    }
  }

  private final Options options;

  public Trace(Options options) {
    this.options = options;
  }

  /** What a step of the trail is. */
  public enum Kind { RAW, FETCH_REQUEST, FETCHED_RESOURCE, CANONICAL, DEAD_LETTER, NOTE }

  /**
   * One step of the trail: a record, rendered as {@code tail} renders it, under the line that says
   * what it is; or, for {@link Kind#NOTE}, that line alone (e.g. no fetched resource yet).
   */
  public record Step(Kind kind, String label, ObjectNode record) {
    static Step note(String text) {
      return new Step(Kind.NOTE, text, null);
    }
  }

  /**
   * What a trace found, which the command prints and the console shows.
   *
   * @param found false when no raw record has the id in the window
   * @param steps the raw record(s), for Bsale the fetch request and resource, then the canonical
   *     records and the dead letters
   * @param scanned what was read, one line per group of partitions
   * @param problems records of the trail's keys that could not be decoded
   */
  public record Result(String id, Instant receivedAt, Instant from, Instant to, Duration window, boolean found,
                       List<Step> steps, List<String> scanned, List<String> problems) {

    public List<Step> records(Kind kind) {
      return steps.stream().filter(step -> step.kind() == kind).toList();
    }

    public String heading() {
      return "Trace of " + id + ": received " + receivedAt + " (the id's time); reading " + from + " to " + to
          + " (--window " + window.toString().substring(2).toLowerCase(Locale.ROOT) + ")";
    }

    /** Not found, nothing derived yet, or the counts. */
    public String summary() {
      if (!found) {
        return "Not found: no raw record has ce_id " + id + " in "
            + Topics.RAW.stream().map(Topic::name).collect(Collectors.joining(", ")) + " between " + from + " and " + to
            + ". Check the id, or widen --window if the broker's clock or the receiver's spool held it back.";
      }
      int canonical = records(Kind.CANONICAL).size();
      int deadLetters = records(Kind.DEAD_LETTER).size();
      if (canonical == 0 && deadLetters == 0) {
        return "Nothing derived from it yet: no canonical record and no dead letter up to " + to
            + " (the normalizer may be stopped or behind, or a fetch still waiting; widen --window for later re-drives).";
      }
      return "Found " + records(Kind.RAW).size() + " raw record(s), " + canonical + " canonical record(s), "
          + deadLetters + " dead letter(s).";
    }
  }

  @Override
  public int run(ToolsConfig config, PrintStream out, PrintStream err) {
    Result result = find(config);
    print(result, out, err);
    return result.found() ? 0 : 1;
  }

  /** The trail as the command prints it: each step's line and its record as a JSON line, then what was read. */
  public static void print(Result result, PrintStream out, PrintStream err) {
    result.problems().forEach(problem -> err.println("pipeline: " + problem));
    out.println(result.heading());
    for (Step step : result.steps()) {
      out.println(step.label());
      if (step.record() != null) {
        try {
          out.println(RecordJson.JSON.writeValueAsString(step.record()));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("a JSON tree always serializes", e);
        }
      }
    }
    out.println(result.summary());
    out.println("Scanned:");
    result.scanned().forEach(line -> out.println("  " + line));
  }

  /** Finds the trail; reads only the window and, once the raw record is found, the tenant's partitions. */
  public Result find(ToolsConfig config) {
    try (RecordJson json = new RecordJson(config.schemaRegistry())) {
      return find(config.kafka(), json);
    }
  }

  /** As {@link #find(ToolsConfig)}, decoding with a {@link RecordJson} the caller keeps (the console's, shared by its pages). */
  public Result find(KafkaClients kafka, RecordJson json) {
    String id = options.id().id();
    Instant from = options.id().receivedAt().minus(MARGIN);
    Instant to = options.id().receivedAt().plus(options.window());
    List<String> scanned = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<Step> trail = new ArrayList<>();
    try (TopicScan scan = new TopicScan(kafka)) {
      Window window = new Window(scan, from, to, scanned);

      List<ConsumerRecord<String, byte[]>> raws = new ArrayList<>();
      // Stops at the poll that found it: a second copy (the receiver's spool may write one) carries the same
      // ce_id, which is what the derived records are matched on.
      window.read("raw topics (until found)", Topics.RAW.stream().flatMap(t -> scan.partitions(t.name()).stream()).toList(),
          record -> {
            if (id.equals(RawRecords.idOf(record.headers()))) {
              raws.add(record);
            }
          }, () -> !raws.isEmpty());
      if (raws.isEmpty()) {
        return new Result(id, options.id().receivedAt(), from, to, options.window(), false, trail, scanned, problems);
      }
      ConsumerRecord<String, byte[]> raw = raws.get(0);
      String tenant = raw.key() != null ? raw.key() : RawRecords.tenantOf(raw.headers());
      String provider = raw.topic().substring(Topics.RAW_PREFIX.length());
      Set<String> sources = new HashSet<>();
      raws.forEach(r -> {
        sources.add(coordinates(r));
        trail.add(new Step(Kind.RAW, "raw record " + coordinates(r) + ", tenant " + tenant, json.render(r)));
      });

      if (raw.topic().equals(Topics.RAW_BSALE.name())) {
        traceBsaleFetch(window, id, tenant, sources, trail, json);
      }

      List<Step> canonical = new ArrayList<>();
      List<Step> deadLetters = new ArrayList<>();
      String keyPrefix = provider + ":" + tenant + ":";
      List<TopicPartition> derived = new ArrayList<>(window.tenantPartition(Topics.DLQ_NORMALIZER.name(), tenant));
      Topics.CANONICAL.forEach(t -> derived.addAll(scan.partitions(t.name())));
      window.read(Topics.DLQ_NORMALIZER.name() + " (the tenant's partition) and the canonical topics", derived, record -> {
        if (record.topic().equals(Topics.DLQ_NORMALIZER.name())) {
          if (id.equals(RawRecords.idOf(record.headers())) || sources.contains(deadLetterSource(record))) {
            DeadLetterHeaders.DeadLetter letter = DeadLetterHeaders.read(record.headers()).orElseThrow();
            deadLetters.add(new Step(Kind.DEAD_LETTER, "dead letter " + coordinates(record) + ", step "
                + letter.step() + ": " + letter.reason(), json.render(record)));
          }
        } else if (record.key() != null && record.key().startsWith(keyPrefix)) {
          RecordJson.Value value = json.value(record);
          if (value instanceof RecordJson.Value.Canonical decoded && derivedFrom(decoded, id, sources)) {
            canonical.add(new Step(Kind.CANONICAL, "canonical record " + coordinates(record) + ", key " + record.key(),
                json.render(record, value)));
          } else if (value instanceof RecordJson.Value.Undecodable undecodable) {
            problems.add("could not decode " + coordinates(record) + ": " + undecodable.error());
          }
        }
      });
      trail.addAll(canonical);
      trail.addAll(deadLetters);
      return new Result(id, options.id().receivedAt(), from, to, options.window(), true, trail, scanned, problems);
    }
  }

  /**
   * The fetch request of a Bsale notification, and the resource fetched for it: its own fetch, or
   * the one fetch that answered it with later notifications for the same resource (coalesced).
   */
  private static void traceBsaleFetch(
      Window window, String id, String tenant, Set<String> sources, List<Step> trail, RecordJson json) {
    List<ConsumerRecord<String, byte[]>> requests = new ArrayList<>();
    window.read(Topics.BSALE_FETCH_REQUESTS.name() + " (the tenant's partition)",
        window.tenantPartition(Topics.BSALE_FETCH_REQUESTS.name(), tenant), record -> {
          if (id.equals(RawRecords.idOf(record.headers()))) {
            requests.add(record);
          }
        });
    if (requests.isEmpty()) {
      trail.add(Step.note("no fetch request: the notification was not parsed (see its dead letter) or was a redelivery"
          + " of one already requested (deduplicated by delivery id)"));
      return;
    }
    ConsumerRecord<String, byte[]> request = requests.get(0);
    trail.add(new Step(Kind.FETCH_REQUEST, "fetch request " + coordinates(request) + ", delivery id "
        + BsaleResources.deliveryIdOf(request.headers()), json.render(request)));
    JsonNode notification = notification(request);
    List<ConsumerRecord<String, byte[]>> own = new ArrayList<>();
    List<ConsumerRecord<String, byte[]>> coalesced = new ArrayList<>();
    window.read(Topics.RAW_BSALE_RESOURCES.name() + " (the tenant's partition)",
        window.tenantPartition(Topics.RAW_BSALE_RESOURCES.name(), tenant), record -> {
          if (id.equals(RawRecords.idOf(record.headers()))) {
            own.add(record);
          } else if (own.isEmpty() && coalesced.isEmpty() && record.timestamp() >= request.timestamp()) {
            BsaleResources.Envelope envelope = envelope(record);
            if (envelope != null && envelope.coalesced() > 0 && sameResource(notification, envelope.notification())) {
              coalesced.add(record);
            }
          }
        });
    List<ConsumerRecord<String, byte[]>> resources = own.isEmpty() ? coalesced : own;
    if (resources.isEmpty()) {
      trail.add(Step.note("no fetched resource yet: the fetcher may be behind, waiting on Bsale, or the company parked"));
    }
    for (ConsumerRecord<String, byte[]> resource : resources) {
      sources.add(coordinates(resource));
      trail.add(new Step(Kind.FETCHED_RESOURCE, "fetched resource " + coordinates(resource) + ", status "
          + (envelope(resource) == null ? "?" : envelope(resource).status())
          + (own.isEmpty() ? " (coalesced: one fetch answered this and later notifications for the resource)" : ""),
          json.render(resource)));
    }
  }

  private static boolean derivedFrom(RecordJson.Value.Canonical decoded, String id, Set<String> sources) {
    if (!(decoded.record() instanceof GenericRecord record) || !(record.get("metadata") instanceof GenericRecord metadata)) {
      return false;
    }
    Object receiveId = metadata.get("receiveId");
    return receiveId != null && id.equals(receiveId.toString())
        || sources.contains(metadata.get("rawTopic") + "/" + metadata.get("rawPartition") + "/" + metadata.get("rawOffset"));
  }

  private static boolean sameResource(JsonNode a, JsonNode b) {
    return List.of("cpnId", "resourceId", "priceListId", "officeId").stream()
            .allMatch(field -> a.path(field).asText("").equals(b.path(field).asText("")))
        && a.path("topic").asText("").equalsIgnoreCase(b.path("topic").asText(""));
  }

  private static String coordinates(ConsumerRecord<?, ?> record) {
    return record.topic() + "/" + record.partition() + "/" + record.offset();
  }

  private static String deadLetterSource(ConsumerRecord<?, ?> record) {
    return DeadLetterHeaders.read(record.headers()).map(DeadLetterHeaders.DeadLetter::source).orElse(null);
  }

  /** The notification as received that a fetch request asks about, or a missing node when it is not a request. */
  private static JsonNode notification(ConsumerRecord<String, byte[]> request) {
    try {
      return FetchRequests.decode(request.value()).notification();
    } catch (UnreadableRecord e) {
      return RecordJson.JSON.missingNode();
    }
  }

  /** The envelope of a fetched resource, or null when it is not one. */
  private static BsaleResources.Envelope envelope(ConsumerRecord<String, byte[]> resource) {
    try {
      return BsaleResources.decode(resource.value());
    } catch (UnreadableRecord e) {
      return null;
    }
  }

  /** Reads partitions between the trace's times and notes what it read. */
  private record Window(TopicScan scan, Instant from, Instant to, List<String> scanned) {

    void read(String what, List<TopicPartition> partitions, Consumer<ConsumerRecord<String, byte[]>> action) {
      read(what, partitions, action, () -> false);
    }

    void read(String what, List<TopicPartition> partitions, Consumer<ConsumerRecord<String, byte[]>> action,
        BooleanSupplier enough) {
      if (partitions.isEmpty()) {
        scanned.add(what + ": no such partitions");
        return;
      }
      Map<TopicPartition, Long> start = scan.at(partitions, from);
      Map<TopicPartition, Long> stop = scan.at(partitions, to);
      long read = scan.read(start, stop, new TopicScan.Handler() {
        @Override
        public void accept(ConsumerRecord<String, byte[]> record) {
          action.accept(record);
        }

        @Override
        public boolean afterPoll() {
          return !enough.getAsBoolean();
        }
      });
      scanned.add(what + ": " + read + " records in " + partitions.size() + " partition(s)");
    }

    /** The partition a record keyed by the tenant goes to (the producer's default partitioner). */
    List<TopicPartition> tenantPartition(String topic, String tenant) {
      int partitions = scan.partitions(topic).size();
      if (partitions == 0) {
        return List.of();
      }
      return List.of(new TopicPartition(topic,
          BuiltInPartitioner.partitionForKey(tenant.getBytes(StandardCharsets.UTF_8), partitions)));
    }
  }
}
