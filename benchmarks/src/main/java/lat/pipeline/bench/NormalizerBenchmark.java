package lat.pipeline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import lat.pipeline.config.Env;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.ScratchDirectory;
import lat.pipeline.dev.kafka.KafkaBroker;
import lat.pipeline.dev.registry.RegistryProcess;
import lat.pipeline.kafka.CanonicalRegistry;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.normalizer.topology.CanonicalTopics;
import lat.pipeline.normalizer.topology.InMemoryState;
import lat.pipeline.normalizer.topology.NormalizationPath;
import lat.pipeline.normalizer.NormalizerConfig;
import lat.pipeline.normalizer.NormalizerService;
import lat.pipeline.receiver.ReceiverConfig;
import lat.pipeline.receiver.ReceiverService;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import lat.pipeline.schemas.canonical.Customer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./pipeline bench normalizer}: the normalizer's events/s over a backlog of raw events (each
 * a distinct Alegra client, so none is deduplicated away), next to a plain consumer reading the same
 * raw topic and to a hand-written at-least-once consume -> map -> produce loop with the same mapping
 * path and serdes (so the cost of exactly-once and Streams shows), with the targets as
 * ratios of steady-state rates; then the end-to-end latency from the receiver's answer to the canonical
 * record being committed (read_committed), at a steady request rate. Options: {@code --events N
 * --latency-requests N --latency-rate N --threads N --profile true}: {@code --threads} sets NORMALIZER_THREADS
 * (the service's default otherwise); {@code --profile true} adds a profile of the stream threads, from JFR
 * (off by default, since the recording slows the normalizer and not the readers it is compared with).
 */
public final class NormalizerBenchmark {

  private static final String LOOP_TOPIC = "bench.loop.customers";
  private static final int REQUESTS_PER_SENDER_SECOND = 100;

  private NormalizerBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args);
    int events = Integer.parseInt(options.getOrDefault("events", "400000"));
    int latencyRequests = Integer.parseInt(options.getOrDefault("latency-requests", "5000"));
    int latencyRate = Integer.parseInt(options.getOrDefault("latency-rate", "1000"));
    boolean profiled = Boolean.parseBoolean(options.getOrDefault("profile", "false"));
    String threads = options.get("threads");
    try (ScratchDirectory scratch = ScratchDirectory.create("bench-normalizer");
         KafkaBroker broker = KafkaBroker.start(scratch.resolve("kafka"), Ports.free(), Ports.free(), "1g");
         RegistryProcess registry = RegistryProcess.start(Ports.free(), null, scratch.resolve("registry"))) {
      Map<String, String> env = new HashMap<>(Map.of(
          "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
          "SCHEMA_REGISTRY_URL", registry.baseUrl(),
          "TOPIC_PARTITIONS", "2",
          "NORMALIZER_STATE_DIR", scratch.resolve("state").toString(),
          "NORMALIZER_HEALTH_PORT", "0",
          "RECEIVER_HOST", "127.0.0.1",
          "RECEIVER_PORT", "0",
          "WEBHOOK_TOKENS", "alegra:bench=bench-token-0123456789",
          "WEBHOOK_SECRETS_DIR", scratch.resolve("no-secrets").toString(),
          "RECEIVER_SPOOL_DIR", scratch.resolve("spool").toString()));
      if (threads != null) {
        env.put("NORMALIZER_THREADS", threads);
      }
      System.out.printf("Normalizer benchmark: %d raw events, %d cores, NORMALIZER_THREADS %s%n", events,
          Runtime.getRuntime().availableProcessors(), threads == null ? "default" : threads);

      try (ReceiverService receiver = new ReceiverService(ReceiverConfig.fromEnv(new Env(env))).start()) {
        long produced = produceBacklog(broker.clients(), events);
        Rate plain = plainConsumer(broker.clients(), produced);
        CanonicalRegistry canonical = new CanonicalRegistry(registry.baseUrl());
        canonical.registerCanonicalSchemas();
        Topics.configureCanonicalSerdes(canonical.serdeConfig());
        Rate loop = handWrittenLoop(broker.clients(), produced);

        long started = System.nanoTime();
        env.put("NORMALIZER_APPLICATION_ID", "bench-normalizer");
        try (StreamThreadProfile profile = profiled ? new StreamThreadProfile() : null;
             NormalizerService normalizer = new NormalizerService(NormalizerConfig.fromEnv(new Env(env)), () -> {}).start()) {
          Rate normalized = awaitCanonical(broker.clients(), events, started);
          if (profile != null) {
            profile.print(15);
          }
          System.out.println();
          System.out.printf("%-52s %s%n", "plain consumer of raw.alegra", plain);
          System.out.printf("%-52s %s%n", "at-least-once consume -> map -> produce loop", loop);
          System.out.printf("%-52s %s%n", "normalizer (exactly-once, Avro, registry)", normalized);
          System.out.printf("%-52s %10.0f events/s  (%d events in %.1f s, incl. start-up)%n", "normalizer, whole run",
              events / normalized.totalSeconds(), events, normalized.totalSeconds());
          long[] latencies = endToEndLatencies(broker.clients(), receiver.port(), latencyRequests, latencyRate);
          double p99 = latencies[(int) (latencies.length * 0.99)] / 1e6;
          System.out.printf("%-52s p50 %6.1f ms   p99 %6.1f ms   max %6.1f ms  (%d of %d requests at %d/s)%n",
              "receiver answer -> canonical record committed",
              latencies[latencies.length / 2] / 1e6, p99, latencies[latencies.length - 1] / 1e6, latencies.length,
              latencyRequests, latencyRate);
          Target.header();
          Target.atLeast("normalizer steady / plain consumer (events/s)", normalized.steady(), plain.steady(), 0.3);
          Target.atLeast("normalizer steady / at-least-once loop (events/s)", normalized.steady(), loop.steady(), 0.6);
          System.out.printf("  %-58s p99 %.1f ms at %d requests/s  (target < 250 ms at 1,000/s): %s%n",
              "end to end, answer -> canonical record committed", p99, latencyRate,
              latencyRate < 1000 ? "not driven at that rate" : p99 < 250 ? "MET" : "NOT MET");
        }
      }
    }
  }

  /**
   * Events/s of one reader over the backlog: steady is from the tenth of the events to the last, so
   * start-up, group join and JIT warm-up are left out alike for every reader compared.
   */
  record Rate(long events, double totalSeconds, double steadySeconds) {
    double steady() {
      return events * 0.9 / steadySeconds;
    }

    @Override
    public String toString() {
      return String.format("%10.0f events/s  (steady, last 90%% of %d events in %.2f s; %.1f s in all)",
          steady(), events, steadySeconds, totalSeconds);
    }
  }

  /** Times the reads of a reader that reports how many events it has handled so far. */
  private static final class Clock {
    private final long expected;
    private final long started;
    private long tenthAt;

    Clock(long expected, long started) {
      this.expected = expected;
      this.started = started;
    }

    void handled(long sofar) {
      if (tenthAt == 0 && sofar >= expected / 10) {
        tenthAt = System.nanoTime();
      }
    }

    Rate done() {
      long now = System.nanoTime();
      return new Rate(expected, (now - started) / 1e9, (now - tenthAt) / 1e9);
    }
  }

  private static long produceBacklog(KafkaClients kafka, int events) throws Exception {
    try (KafkaProducer<String, byte[]> producer = kafka.producer(Topics.RAW_ALEGRA, Map.of(ProducerConfig.LINGER_MS_CONFIG, 20))) {
      for (int i = 0; i < events; i++) {
        String tenant = "bench" + (i % 8);
        producer.send(RawRecords.record(Topics.RAW_ALEGRA, new RawRecords.Raw(UUID.randomUUID().toString(), "alegra", tenant,
            "alegra.webhook", Instant.now(), "application/json", false, Map.of(), client(i))));
      }
      producer.flush();
    }
    return events;
  }

  private static byte[] client(int i) {
    return ("{\"subject\":\"new-client\",\"message\":{\"client\":{\"id\":\"" + i + "\",\"name\":\"Cliente " + i
        + "\",\"identification\":\"" + (1_000_000 + i) + "\",\"email\":\"c" + i + "@example.com\","
        + "\"address\":{\"city\":\"Bogotá\",\"country\":\"Colombia\"},\"type\":[\"client\"]}}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static Rate plainConsumer(KafkaClients kafka, long expected) {
    Clock clock = new Clock(expected, System.nanoTime());
    long read = 0;
    try (KafkaConsumer<String, byte[]> consumer = consumer(kafka, "read_uncommitted")) {
      assignFromStart(consumer, Topics.RAW_ALEGRA.name());
      while (read < expected) {
        read += consumer.poll(Duration.ofMillis(200)).count();
        clock.handled(read);
      }
    }
    return clock.done();
  }

  /**
   * The comparison a team would write by hand: poll, map each raw record with the same path and
   * serdes as the normalizer (state in memory, no changelog), produce with acks=all, flush, then
   * commit the offsets (at-least-once). It writes to a topic of its own, encoding each value as for
   * its canonical topic, so the normalizer's output stays its own.
   */
  private static Rate handWrittenLoop(KafkaClients kafka, long expected) throws Exception {
    try (Admin admin = kafka.admin(Map.of())) {
      admin.createTopics(List.of(new NewTopic(LOOP_TOPIC, 2, (short) 1))).all().get();
    }
    NormalizationPath path = new NormalizationPath(ProviderMappers.forProvider("alegra", TenantSettings.none()).orElseThrow());
    InMemoryState state = new InMemoryState();
    Clock clock = new Clock(expected, System.nanoTime());
    long handled = 0;
    Map<String, Object> config = new HashMap<>(consumerConfig("read_uncommitted"));
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, byte[]> consumer = kafka.bytesConsumer(config);
         KafkaProducer<String, byte[]> producer = kafka.bytesProducer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20))) {
      assignFromStart(consumer, Topics.RAW_ALEGRA.name());
      while (handled < expected) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          NormalizationPath.Outcome outcome = path.normalize(new NormalizationPath.RawRecord(record.topic(), record.partition(),
              record.offset(), record.timestamp(), record.headers(), record.value()), state);
          if (outcome instanceof NormalizationPath.Records records) {
            for (CanonicalRecord canonical : records.emit()) {
              producer.send(new ProducerRecord<>(LOOP_TOPIC, canonical.key(), encode(canonical)));
            }
          }
          handled++;
        }
        producer.flush();
        consumer.commitSync();
        clock.handled(handled);
      }
    }
    return clock.done();
  }

  @SuppressWarnings("unchecked")
  private static <V extends SpecificRecord> byte[] encode(CanonicalRecord record) {
    Topic<String, V> topic = (Topic<String, V>) CanonicalTopics.of(record.entity());
    return record.value() == null ? null : topic.valueSerde().serializer().serialize(topic.name(), (V) record.value());
  }


  private static void assignFromStart(KafkaConsumer<String, byte[]> consumer, String topic) {
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  private static Rate awaitCanonical(KafkaClients kafka, long expected, long started) {
    Clock clock = new Clock(expected, started);
    long read = 0;
    try (KafkaConsumer<String, byte[]> consumer = consumer(kafka, "read_committed")) {
      consumer.subscribe(List.of(Topics.CANONICAL_CUSTOMERS.name()));
      while (read < expected) {
        read += consumer.poll(Duration.ofMillis(200)).count();
        clock.handled(read);
      }
    }
    return clock.done();
  }

  /**
   * POSTs at a steady rate and times each answer to its canonical record's commit; an answer and
   * its record are matched by receive id in whichever order they are seen.
   */
  private static long[] endToEndLatencies(KafkaClients kafka, int receiverPort, int requests, int perSecond) throws Exception {
    Map<String, Long> answeredAt = new ConcurrentHashMap<>();
    Map<String, Long> committedAt = new HashMap<>();
    try (KafkaConsumer<String, Customer> consumer = kafka.consumer(Topics.CANONICAL_CUSTOMERS, consumerConfig("read_committed"))) {
      consumer.subscribe(List.of(Topics.CANONICAL_CUSTOMERS.name()));
      consumer.poll(Duration.ofSeconds(2));
      consumer.seekToEnd(consumer.assignment());
      Thread sender = new Thread(() -> send(receiverPort, requests, perSecond, answeredAt), "latency-sender");
      sender.start();
      long deadline = System.currentTimeMillis() + requests * 1000L / perSecond + 60_000;
      while (committedAt.size() < requests && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, Customer> record : consumer.poll(Duration.ofMillis(20))) {
          committedAt.put(record.value().getMetadata().getReceiveId(), System.nanoTime());
        }
      }
      sender.join();
    }
    return committedAt.entrySet().stream().filter(seen -> answeredAt.containsKey(seen.getKey()))
        .mapToLong(seen -> seen.getValue() - answeredAt.get(seen.getKey())).sorted().toArray();
  }

  /**
   * Senders of {@value #REQUESTS_PER_SENDER_SECOND} requests/s each, on their own keep-alive
   * connection, each waiting for its answer (timed as it arrives) before its next request is due.
   */
  private static void send(int port, int requests, int perSecond, Map<String, Long> answeredAt) {
    int senders = Math.max(1, perSecond / REQUESTS_PER_SENDER_SECOND);
    long interval = 1_000_000_000L * senders / perSecond;
    long start = System.nanoTime();
    URI url = URI.create("http://127.0.0.1:" + port + "/webhooks/alegra/bench?token=bench-token-0123456789");
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      int first = s;
      Thread sender = new Thread(() -> {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = first, turn = 0; i < requests; i += senders, turn++) {
          long due = start + first * interval / senders + turn * interval;
          for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
          }
          try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(client(10_000_000 + i))).build(), HttpResponse.BodyHandlers.ofString());
            answeredAt.put(answer.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"), System.nanoTime());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }, "latency-sender-" + s);
      sender.start();
      threads.add(sender);
    }
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static KafkaConsumer<String, byte[]> consumer(KafkaClients kafka, String isolation) {
    return kafka.bytesConsumer(consumerConfig(isolation));
  }

  private static Map<String, Object> consumerConfig(String isolation) {
    return Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
  }
}
