package lat.pipeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the Kafka Streams threads spend their time while it runs, from a JFR recording in this JVM:
 * the top frames of the execution samples, the share of samples in each part of the path, and the
 * time parked waiting for the producer (transactions and flushes), which samples do not show.
 */
final class StreamThreadProfile implements AutoCloseable {

  private static final Pattern STREAM_THREAD = Pattern.compile(".*-StreamThread-\\d+$");
  private static final Map<String, String> AREAS = new LinkedHashMap<>();

  static {
    AREAS.put("JSON parsing (Jackson)", "com.fasterxml.jackson.");
    AREAS.put("mapping (provider mappers)", "lat.pipeline.normalizer.providers.");
    AREAS.put("Avro encoding", "org.apache.avro.");
    AREAS.put("registry serde (Apicurio)", "io.apicurio.");
    AREAS.put("state stores (Streams layers)", "org.apache.kafka.streams.state.");
    AREAS.put("RocksDB (JNI)", "org.rocksdb.");
    AREAS.put("producer (send, batching)", "org.apache.kafka.clients.producer.");
    AREAS.put("consumer (poll, fetch)", "org.apache.kafka.clients.consumer.");
  }

  private final Recording recording = new Recording();

  StreamThreadProfile() {
    recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10)).withStackTrace();
    // RocksDB's JNI calls and the network waits run in native code, which execution samples miss.
    recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10)).withStackTrace();
    recording.enable("jdk.ThreadPark").withThreshold(Duration.ofMillis(1)).withStackTrace();
    recording.start();
  }

  /** Stops the recording and prints the summary. */
  void print(int topFrames) throws IOException {
    recording.stop();
    Path file = Files.createTempFile("normalizer-profile", ".jfr");
    recording.dump(file);
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> areas = new LinkedHashMap<>();
    Map<String, Double> parked = new LinkedHashMap<>();
    int samples = 0;
    int nativeSamples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      String type = event.getEventType().getName();
      boolean inNative = type.equals("jdk.NativeMethodSample");
      boolean sample = inNative || type.equals("jdk.ExecutionSample");
      if (!sample && !type.equals("jdk.ThreadPark")) {
        continue; // another recording in the JVM (-XX:StartFlightRecording) adds its events to the dump
      }
      RecordedThread thread = event.getThread(sample ? "sampledThread" : "eventThread");
      if (thread == null || thread.getJavaName() == null || !STREAM_THREAD.matcher(thread.getJavaName()).matches()
          || event.getStackTrace() == null || event.getStackTrace().getFrames().isEmpty()) {
        continue;
      }
      List<String> frames = event.getStackTrace().getFrames().stream().map(StreamThreadProfile::name).toList();
      if (sample) {
        samples++;
        nativeSamples += inNative ? 1 : 0;
        self.merge(frames.get(0), 1, Integer::sum);
        AREAS.forEach((area, prefix) -> {
          if (frames.stream().anyMatch(frame -> frame.startsWith(prefix))) {
            areas.merge(area, 1, Integer::sum);
          }
        });
      } else {
        parked.merge(waitingFor(frames), event.getDuration().toNanos() / 1e9, Double::sum);
      }
    }
    Files.delete(file);
    System.out.printf("%nProfile of the stream threads while normalizing (JFR, %d samples every 10 ms, %d of them in native code):%n",
        samples, nativeSamples);
    System.out.println("  top frames (self):");
    int total = Math.max(samples, 1);
    self.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(topFrames)
        .forEach(entry -> System.out.printf("    %5.1f%%  %s%n", 100.0 * entry.getValue() / total, entry.getKey()));
    System.out.println("  samples within (a sample may count in several):");
    areas.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(entry -> System.out.printf("    %5.1f%%  %s%n", 100.0 * entry.getValue() / total, entry.getKey()));
    System.out.println("  parked (waits of 1 ms or more, not in the samples):");
    parked.entrySet().stream().sorted(Comparator.comparing(Map.Entry<String, Double>::getValue).reversed())
        .forEach(entry -> System.out.printf("    %6.2f s  %s%n", entry.getValue(), entry.getKey()));
  }

  private static String waitingFor(List<String> frames) {
    return frames.stream().filter(frame -> frame.startsWith("org.apache.kafka.clients.") && !frame.contains(".internals."))
        .findFirst().orElse(frames.stream().filter(frame -> frame.startsWith("org.apache.kafka.")).findFirst().orElse("other"));
  }

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  @Override
  public void close() {
    recording.close();
  }
}
