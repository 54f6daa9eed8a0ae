package lat.pipeline.dev.bsale;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * A local Bsale v1 API for {@code ./pipeline dev}: answers {@link BsaleCatalog}'s resources to
 * requests whose {@code access_token} header is one of the accepted tokens, 401 otherwise. Loopback
 * only.
 */
public final class BsaleSimulator implements AutoCloseable {

  private final HttpServer server;

  private BsaleSimulator(HttpServer server) {
    this.server = server;
  }

  /** @param port 0 picks a free port */
  public static BsaleSimulator start(int port, Set<String> acceptedTokens) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.setExecutor(Executors.newFixedThreadPool(4, runnable -> {
      Thread thread = new Thread(runnable, "bsale-simulator");
      thread.setDaemon(true);
      return thread;
    }));
    server.createContext("/v1/", exchange -> {
      try (exchange) {
        String token = exchange.getRequestHeaders().getFirst("access_token");
        if (!"GET".equals(exchange.getRequestMethod())) {
          answer(exchange, new BsaleCatalog.Answer(405, "{\"error\":\"method not allowed\"}"));
        } else if (token == null || !acceptedTokens.contains(token)) {
          answer(exchange, new BsaleCatalog.Answer(401, "{\"error\":\"invalid access_token\"}"));
        } else {
          answer(exchange, BsaleCatalog.answer(exchange.getRequestURI().toString()));
        }
      }
    });
    server.start();
    return new BsaleSimulator(server);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, BsaleCatalog.Answer answer) throws IOException {
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
