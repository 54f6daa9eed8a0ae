package lat.pipeline.dev.testing;

import java.nio.file.Files;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.registry.RegistryProcess;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real schema registry (Apicurio, in-memory storage) per test JVM, started by the first test
 * class that needs it and stopped when the run ends. Use {@code @ExtendWith(SharedRegistry.class)}.
 */
public final class SharedRegistry implements BeforeAllCallback {

  private static RegistryProcess registry;

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(SharedRegistry.class, key -> start(), StopAtEnd.class);
  }

  public static synchronized RegistryProcess registry() {
    if (registry == null) {
      throw new IllegalStateException("Annotate the test class with @ExtendWith(SharedRegistry.class)");
    }
    return registry;
  }

  /** Whether a test class of this JVM extends with this registry (so it runs). */
  public static synchronized boolean started() {
    return registry != null;
  }

  private static synchronized StopAtEnd start() {
    try {
      registry = RegistryProcess.start(Ports.free(), null, Files.createTempDirectory("pipeline-test-registry"));
      return new StopAtEnd();
    } catch (Exception e) {
      throw new IllegalStateException("Could not start the test schema registry", e);
    }
  }

  static final class StopAtEnd implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      registry.stop();
    }
  }
}
