package lat.pipeline.dev.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.kafka.KafkaBroker;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real KRaft broker per test JVM, started by the first test class that needs it and stopped
 * when the whole run ends. Test classes use {@code @ExtendWith(SharedKafka.class)} and
 * {@link #broker()}.
 */
public final class SharedKafka implements BeforeAllCallback {

  private static KafkaBroker broker;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(SharedKafka.class, key -> start(), StopAtEnd.class);
  }

  public static synchronized KafkaBroker broker() {
    if (broker == null) {
      throw new IllegalStateException("Annotate the test class with @ExtendWith(SharedKafka.class)");
    }
    return broker;
  }

  private static synchronized StopAtEnd start() {
    try {
      Path dataDir = Files.createTempDirectory("pipeline-test-kafka");
      broker = KafkaBroker.start(dataDir, Ports.free(), Ports.free(), "512m");
      return new StopAtEnd();
    } catch (Exception e) {
      throw new IllegalStateException("Could not start the test broker", e);
    }
  }

  /** Stops the broker when the root context closes, i.e. after the last test of the run. */
  static final class StopAtEnd implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      broker.stop();
    }
  }
}
