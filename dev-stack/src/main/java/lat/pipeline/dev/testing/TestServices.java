package lat.pipeline.dev.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import lat.pipeline.config.Env;

/**
 * The services of one test (receiver, normalizer, fetcher, simulators), started on the shared
 * broker and registry and closed together, last started first. Each test class makes one:
 *
 * <pre>{@code
 * services = TestServices.onSharedStack("e2e").with("WEBHOOK_TOKENS", "*:acme=" + TOKEN);
 * receiver = services.start(() -> new ReceiverService(ReceiverConfig.fromEnv(services.env())).start());
 * normalizer = services.start(() -> new NormalizerService(NormalizerConfig.fromEnv(services.env()), () -> {}).start());
 * ...
 * services.close();
 * }</pre>
 *
 * <p>{@link #env()} is what a service needs on the shared stack, in folders and with application
 * and group ids of this run only, so that tests sharing the broker never share state.
 */
public final class TestServices implements AutoCloseable {

  /** Starts one service; what it returns is closed by {@link #close}. */
  @FunctionalInterface
  public interface Starter<S extends AutoCloseable> {
    S start() throws Exception;
  }

  private final String run;
  private final Path dir;
  private final Map<String, String> env = new HashMap<>();
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  private TestServices(String name) {
    this.run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      this.dir = Files.createTempDirectory(run);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The environment on {@link SharedKafka} (and {@link SharedRegistry} when the test class extends
   * with it): loopback, ports chosen by the system, two partitions, and this run's own spool, state,
   * token folder, application id and fetcher group.
   */
  public static TestServices onSharedStack(String name) {
    TestServices services = new TestServices(name);
    services.env.putAll(Map.ofEntries(
        Map.entry("KAFKA_BOOTSTRAP_SERVERS", SharedKafka.broker().bootstrapServers()),
        Map.entry("RECEIVER_HOST", "127.0.0.1"),
        Map.entry("RECEIVER_PORT", "0"),
        Map.entry("RECEIVER_SPOOL_DIR", services.folder("spool").toString()),
        Map.entry("WEBHOOK_SECRETS_DIR", services.folder("no-secrets").toString()),
        Map.entry("TOPIC_PARTITIONS", "2"),
        Map.entry("NORMALIZER_APPLICATION_ID", "normalizer-" + services.run),
        Map.entry("NORMALIZER_STATE_DIR", services.folder("state").toString()),
        Map.entry("NORMALIZER_HEALTH_PORT", "0"),
        Map.entry("FETCHER_GROUP_ID", "bsale-fetcher-" + services.run),
        Map.entry("FETCHER_HEALTH_PORT", "0"),
        Map.entry("BSALE_TOKENS_DIR", services.folder("bsale-tokens").toString())));
    if (SharedRegistry.started()) {
      services.env.put("SCHEMA_REGISTRY_URL", SharedRegistry.registry().baseUrl());
    }
    return services;
  }

  /** Services that bring their own environment (e.g. each its own user on {@link SecuredKafka}). */
  public static TestServices withoutEnvironment(String name) {
    return new TestServices(name);
  }

  /** Sets (or replaces) a variable of {@link #env()}. */
  public TestServices with(String variable, String value) {
    env.put(variable, value);
    return this;
  }

  public Env env() {
    return new Env(env);
  }

  /** A new folder of this run's own (spool, state, token files, a child process's log). */
  public Path folder(String name) {
    try {
      return Files.createDirectories(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A name unique to this run, for topics and ids that tests on the shared broker must not share. */
  public String unique(String prefix) {
    return prefix + "-" + run;
  }

  /** Starts a service and keeps it for {@link #close}; a service that fails to start closes those before it. */
  public <S extends AutoCloseable> S start(Starter<S> starter) {
    try {
      return closeAtEnd(starter.start());
    } catch (Exception e) {
      IllegalStateException failure = new IllegalStateException("A test service did not start", e);
      closeAll(failure);
      throw failure;
    }
  }

  /** Keeps something already started (a client, a stub server's stop) for {@link #close}. */
  public <S extends AutoCloseable> S closeAtEnd(S resource) {
    started.push(resource);
    return resource;
  }

  /** Closes every started service, last started first; the first failure is thrown with the others suppressed. */
  @Override
  public void close() {
    IllegalStateException failure = new IllegalStateException("Test services did not close cleanly");
    closeAll(failure);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  private void closeAll(Exception failure) {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
  }
}
