package lat.pipeline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP load: a fixed number of clients, each sending its next POST when the previous
 * answer arrives, for a fixed time. Bounded in count of clients and in time.
 */
final class LoadGenerator {

  /**
   * Requests per second and answer latency percentiles of one run; {@code answered200} counts every
   * 200 the run received, also those answered after its end, which the rate leaves out.
   */
  record Result(String name, long requests, long failures, double seconds, long p50Micros, long p99Micros, long maxMicros,
      long answered200) {
    double requestsPerSecond() {
      return requests / seconds;
    }

    @Override
    public String toString() {
      return String.format("%-44s %8.0f req/s   p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms   (%d ok, %d failed)",
          name, requestsPerSecond(), p50Micros / 1000.0, p99Micros / 1000.0, maxMicros / 1000.0, requests, failures);
    }
  }

  private final int clients;

  LoadGenerator(int clients) {
    this.clients = clients;
  }

  Result run(String name, URI url, byte[] body, Duration duration) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    long end = System.nanoTime() + duration.toNanos();
    AtomicLong failures = new AtomicLong();
    AtomicLong answered200 = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<long[]>> perClient = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      perClient.add(pool.submit(() -> {
        long[] latencies = new long[1 << 16];
        int n = 0;
        while (true) {
          long sent = System.nanoTime();
          if (sent >= end) {
            break;
          }
          boolean ok;
          try {
            ok = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
          } catch (Exception e) {
            ok = false;
          }
          long answered = System.nanoTime();
          if (ok) {
            answered200.incrementAndGet();
          }
          if (answered <= end) {
            if (!ok) {
              failures.incrementAndGet();
            } else {
              if (n == latencies.length) {
                latencies = Arrays.copyOf(latencies, n * 2);
              }
              latencies[n++] = (answered - sent) / 1000;
            }
          }
        }
        return Arrays.copyOf(latencies, n);
      }));
    }
    long[] all = new long[0];
    for (Future<long[]> client : perClient) {
      long[] mine = client.get();
      long[] merged = Arrays.copyOf(all, all.length + mine.length);
      System.arraycopy(mine, 0, merged, all.length, mine.length);
      all = merged;
    }
    pool.shutdown();
    Arrays.sort(all);
    return new Result(name, all.length, failures.get(), duration.toNanos() / 1e9,
        percentile(all, 0.50), percentile(all, 0.99), all.length == 0 ? 0 : all[all.length - 1], answered200.get());
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }
}
