package lat.pipeline.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.ScratchDirectory;
import lat.pipeline.dev.kafka.KafkaBroker;
import lat.pipeline.dev.registry.RegistryProcess;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.normalizer.providers.ProviderMappers;
import lat.pipeline.normalizer.replay.Replay;
import lat.pipeline.kafka.CanonicalRegistry;
import lat.pipeline.schemas.CloudEventHeaders;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./pipeline bench replay}: replay events/s and peak heap over a raw topic of 1,000,000
 * events (distinct NinoxNet articles), first into empty canonical topics (everything is emitted),
 * then again over the same window (everything unchanged, after reading the canonical state into the
 * replay's local store), next to a plain consumer of the same topic. The pipeline script runs it
 * with {@code -Xmx256m}: replay keeps its per-entity state off the heap, so the heap stays flat
 * however many entities there are. Options: {@code --events N}.
 */
public final class ReplayBenchmark {

  private static final int TENANTS = 8;
  private static final TenantSettings SETTINGS = TenantSettings.parse(java.util.stream.IntStream.range(0, TENANTS)
      .mapToObj(i -> "ninox:bench" + i + "=ARS@America/Argentina/Buenos_Aires").toList());

  private ReplayBenchmark() {}

  public static void main(String[] args) throws Exception {
    int events = Integer.parseInt(Options.parse(args).getOrDefault("events", "1000000"));
    try (ScratchDirectory scratch = ScratchDirectory.create("bench-replay");
         KafkaBroker broker = KafkaBroker.start(scratch.resolve("kafka"), Ports.free(), Ports.free(), "1g");
         RegistryProcess registry = RegistryProcess.start(Ports.free(), null, scratch.resolve("registry"))) {
      try (Admin admin = broker.clients().admin(Map.of())) {
        TopicProvisioner.ensure(admin, Topics.all(), new TopicSettings(2, (short) 1, -1, 604_800_000L));
      }
      CanonicalRegistry canonical = new CanonicalRegistry(registry.baseUrl());
      canonical.registerCanonicalSchemas();
      Topics.configureCanonicalSerdes(canonical.serdeConfig());
      System.out.printf("Replay benchmark: %d raw NinoxNet events, %d cores, max heap %d MiB%n",
          events, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
      produce(broker.clients(), events);

      long started = System.nanoTime();
      long read = readAll(broker.clients());
      double plain = seconds(started);

      Replay replay = new Replay(broker.clients(), Duration.ofDays(7), line -> {});
      Replay.Window window = new Replay.Window("ninox", null, Instant.EPOCH, null);
      System.gc();
      resetHeapPeaks();
      started = System.nanoTime();
      Replay.Summary first = replay.run(ProviderMappers.forProvider("ninox", SETTINGS).orElseThrow(), window);
      double firstSeconds = seconds(started);
      long firstPeak = heapPeakBytes();
      System.gc();
      resetHeapPeaks();
      started = System.nanoTime();
      Replay.Summary again = replay.run(ProviderMappers.forProvider("ninox", SETTINGS).orElseThrow(), window);
      double againSeconds = seconds(started);
      long againPeak = heapPeakBytes();

      System.out.println();
      System.out.printf("%-46s %9.0f events/s  (%d in %.1f s)%n", "plain consumer of raw.ninox", read / plain, read, plain);
      System.out.printf("%-46s %9.0f events/s  (%.1f s; peak heap %d MiB; %s)%n", "replay into empty canonical topics",
          first.read() / firstSeconds, firstSeconds, firstPeak >> 20, first);
      System.out.printf("%-46s %9.0f events/s  (%.1f s incl. reading the canonical state; peak heap %d MiB; %s)%n",
          "replay of the same window (nothing changed)", again.read() / againSeconds, againSeconds, againPeak >> 20, again);
      long maxHeap = Runtime.getRuntime().maxMemory();
      Target.header();
      Target.atLeast("replay into empty topics / plain consumer (events/s)", first.read() / firstSeconds, read / plain, 0.4);
      Target.atLeast("replay of an unchanged window / plain consumer (events/s)", again.read() / againSeconds, read / plain, 0.4);
      System.out.printf("  %-58s peak %d / %d MiB max heap: %s%n", "bounded heap (both replays)",
          Math.max(firstPeak, againPeak) >> 20, maxHeap >> 20, Math.max(firstPeak, againPeak) < maxHeap ? "MET" : "NOT MET");
    }
  }

  private static void produce(KafkaClients kafka, int events) {
    try (KafkaProducer<String, byte[]> producer = kafka.producer(Topics.RAW_NINOX, Map.of(ProducerConfig.LINGER_MS_CONFIG, 20))) {
      for (int i = 0; i < events; i++) {
        String tenant = "bench" + (i % TENANTS);
        String body = "{\"articuloId\":" + i + ",\"eliminado\":true}";
        producer.send(RawRecords.record(Topics.RAW_NINOX, new RawRecords.Raw(UUID.randomUUID().toString(), "ninox", tenant,
            CloudEventHeaders.defaultType("ninox"), Instant.now(), "application/json", false, Map.of(),
            body.getBytes(StandardCharsets.UTF_8))));
      }
    }
  }

  private static long readAll(KafkaClients kafka) {
    try (KafkaConsumer<String, byte[]> consumer = kafka.consumer(Topics.RAW_NINOX, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000))) {
      var partitions = consumer.partitionsFor(Topics.RAW_NINOX.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long read = 0;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        read += consumer.poll(Duration.ofMillis(200)).count();
      }
      return read;
    }
  }

  private static void resetHeapPeaks() {
    heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  /** The sum of each heap pool's peak since the reset: an upper bound of the peak heap in use. */
  private static long heapPeakBytes() {
    return heapPools().stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP).toList();
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
