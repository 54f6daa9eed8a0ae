package lat.pipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import lat.pipeline.config.Env;
import org.junit.jupiter.api.Test;

class ServiceMainTest {

  private final List<Integer> exits = new ArrayList<>();

  @Test
  void aServiceIsStartedWithTheConfigurationParsedOnceAndNothingExits() {
    AutoCloseable service = () -> {};
    AtomicReference<Integer> port = new AtomicReference<>();

    AutoCloseable running = ServiceMain.launch("test", new Env(Map.of("PORT", "8080")),
        env -> env.integer("PORT", 1, 1, 65_535), (config, fatal) -> {
          port.set(config);
          return service;
        }, exits::add);

    assertThat(running).isSameAs(service);
    assertThat(port.get()).isEqualTo(8080);
    assertThat(exits).isEmpty();
  }

  @Test
  void aBadVariableExitsWithTwoBeforeAnythingStarts() {
    AutoCloseable running = ServiceMain.launch("test", new Env(Map.of("PORT", "eighty")),
        env -> env.integer("PORT", 1, 1, 65_535), (config, fatal) -> {
          throw new AssertionError("must not start");
        }, exits::add);

    assertThat(running).isNull();
    assertThat(exits).containsExactly(ServiceMain.BAD_CONFIGURATION);
  }

  @Test
  void aServiceThatCannotStartOrCannotGoOnExitsWithOne() {
    assertThat(ServiceMain.launch("test", new Env(Map.of()), env -> "config", (config, fatal) -> {
      throw new IllegalStateException("Kafka refused the login (KAFKA_SASL_PASSWORD_FILE)");
    }, exits::add)).isNull();
    ServiceMain.launch("test", new Env(Map.of()), env -> "config", (config, fatal) -> {
      fatal.run();
      return () -> {};
    }, exits::add);

    assertThat(exits).containsExactly(ServiceMain.FAILED, ServiceMain.FAILED);
  }
}
