package lat.pipeline.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /health/live}, {@code /health/ready} and {@code /metrics} for the services that have no
 * HTTP stack of their own (the normalizer, the fetcher), on the JDK's HTTP server.
 */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;

  private HealthServer(HttpServer server) {
    this.server = server;
  }

  /**
   * @param state a short word for the probes' body, e.g. Kafka Streams' state
   * @param prometheusText the metrics in the Prometheus text format
   */
  public static HealthServer start(
      int port, BooleanSupplier live, BooleanSupplier ready, Supplier<String> state, Supplier<String> prometheusText)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/health/live", exchange ->
        answer(exchange, live.getAsBoolean() ? 200 : 503, "{\"state\":\"" + state.get() + "\"}", "application/json"));
    server.createContext("/health/ready", exchange ->
        answer(exchange, ready.getAsBoolean() ? 200 : 503, "{\"state\":\"" + state.get() + "\"}", "application/json"));
    server.createContext("/metrics", exchange ->
        answer(exchange, 200, prometheusText.get(), "text/plain; version=0.0.4; charset=utf-8"));
    server.start();
    return new HealthServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static void answer(HttpExchange exchange, int status, String body, String contentType) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
