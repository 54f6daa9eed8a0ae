package lat.pipeline.tools.tail;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topics;
import lat.pipeline.tools.Command;
import lat.pipeline.tools.CommandLine;
import lat.pipeline.tools.RecordJson;
import lat.pipeline.tools.Times;
import lat.pipeline.tools.ToolsConfig;
import lat.pipeline.tools.TopicScan;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./pipeline tail TOPIC [--from TIME|earliest] [--tenant T] [--key K] [--follow]}: a topic's
 * records as JSON lines ({@link RecordJson}), from the beginning or from a time, up to where the
 * topic ended when the command started, or on and on with {@code --follow}.
 */
public final class Tail implements Command {

  public static final String USAGE =
      "usage: ./pipeline tail TOPIC [--from TIME|earliest] [--tenant T] [--key K] [--follow]";

  private static final List<String> PROVIDERS = Topics.RAW.stream().map(Topics::providerOf).toList();

  /** @param from empty: the beginning of the topic */
  public record Options(String topic, Optional<Instant> from, Optional<String> tenant, Optional<String> key, boolean follow) {

    public static Options parse(String[] args) {
      CommandLine line = CommandLine.parse(args, Set.of("from", "tenant", "key"), Set.of("follow"));
      return new Options(line.single("TOPIC"), line.option("from").flatMap(Times::timeOrEarliest),
          line.option("tenant"), line.option("key"), line.flag("follow"));
    }
  }

  private final Options options;
  private volatile boolean stopped;
  private volatile TopicScan scan;

  public Tail(Options options) {
    this.options = options;
  }

  @Override
  public int run(ToolsConfig config, PrintStream out, PrintStream err) {
    try (TopicScan topicScan = new TopicScan(config.kafka());
         RecordJson json = new RecordJson(config.schemaRegistry())) {
      scan = topicScan;
      List<TopicPartition> partitions = topicScan.partitions(options.topic());
      if (partitions.isEmpty()) {
        err.println("pipeline: there is no topic " + options.topic() + " on " + config.bootstrapServers());
        return 1;
      }
      Map<TopicPartition, Long> start = options.from()
          .map(time -> topicScan.at(partitions, time))
          .orElseGet(() -> topicScan.beginning(partitions));
      Map<TopicPartition, Long> stop = options.follow() ? null : topicScan.end(partitions);
      Predicate<ConsumerRecord<String, byte[]>> wanted = filter(json.isCanonical(options.topic()));
      topicScan.read(start, stop, new TopicScan.Handler() {
        @Override
        public void accept(ConsumerRecord<String, byte[]> record) {
          if (wanted.test(record)) {
            out.println(json.line(record));
          }
        }

        @Override
        public boolean afterPoll() {
          out.flush();
          // A closed pipe (| head) ends the command as Ctrl-C does.
          return !stopped && !out.checkError();
        }
      });
      return 0;
    }
  }

  @Override
  public void stop() {
    stopped = true;
    TopicScan running = scan;
    if (running != null) {
      running.wakeup();
    }
  }

  /**
   * {@code --tenant}: the {@code tenant} header (raw topics, fetch requests, dead letters), or the
   * key prefix {@code {provider}:{tenant}:} on canonical topics, whose records carry no headers.
   */
  private Predicate<ConsumerRecord<String, byte[]>> filter(boolean canonical) {
    Predicate<ConsumerRecord<String, byte[]>> wanted = record -> true;
    if (options.tenant().isPresent()) {
      String tenant = options.tenant().get();
      wanted = canonical
          ? record -> record.key() != null && PROVIDERS.stream().anyMatch(p -> record.key().startsWith(p + ":" + tenant + ":"))
          : record -> tenant.equals(RawRecords.tenantOf(record.headers()));
    }
    if (options.key().isPresent()) {
      wanted = wanted.and(record -> Objects.equals(options.key().get(), record.key()));
    }
    return wanted;
  }
}
