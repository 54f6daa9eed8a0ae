package lat.pipeline.normalizer.replay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on loopback in front of a real service (the test registry), which can be cut: then
 * open connections are closed and new ones refused, as when the service goes down. Cheaper than
 * starting and stopping a registry process of its own, and the same outage to a client.
 */
final class CuttableRelay implements AutoCloseable {

  private final ServerSocket server;
  private final URI target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  CuttableRelay(String targetUrl) throws IOException {
    this.target = URI.create(targetUrl);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("relay-accept", this::accept).start();
  }

  /** The service's URL through the relay. */
  String url() {
    return target.getScheme() + "://127.0.0.1:" + server.getLocalPort() + target.getRawPath();
  }

  /** From now on the service is unreachable through the relay. */
  void cut() {
    close();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(target.getHost(), target.getPort());
        open.add(client);
        open.add(upstream);
        daemon("relay-up", () -> copy(client, upstream)).start();
        daemon("relay-down", () -> copy(upstream, client)).start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void copy(Socket from, Socket to) {
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException closed) {
      // one side went away: the other is closed below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static Thread daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // already closed
    }
    open.forEach(this::closeQuietly);
  }
}
