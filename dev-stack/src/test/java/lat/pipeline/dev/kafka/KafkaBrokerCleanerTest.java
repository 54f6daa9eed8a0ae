package lat.pipeline.dev.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import lat.pipeline.dev.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test broker keeps its log cleaner through changes of the cleaner's dynamic settings: each one
 * restarts the cleaner, which allocates its dedupe buffer anew. With Kafka's default buffer (128 MiB)
 * on a 384 MiB heap, one CI run's restart failed there (OutOfMemoryError) and the broker never compacted again.
 */
class KafkaBrokerCleanerTest {

  private static final ConfigResource BROKER = new ConfigResource(ConfigResource.Type.BROKER, "");
  private static final ConfigResource NODE = new ConfigResource(ConfigResource.Type.BROKER, "1");
  private static final long HEAP_BYTES = 384L << 20;

  @Test
  void theCleanerSurvivesItsDynamicSettingsChangingOnASmallHeap(@TempDir Path dir) throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(dir, Ports.free(), Ports.free(), (HEAP_BYTES >> 20) + "m");
         Admin admin = broker.clients().admin(Map.of())) {
      for (int change = 0; change < 6; change++) {
        // Each value differs from the last, so each is a reconfiguration (and a restart of the cleaner).
        admin.incrementalAlterConfigs(Map.of(BROKER, List.of(new AlterConfigOp(
            new ConfigEntry("log.cleaner.backoff.ms", Integer.toString(100 + change)), AlterConfigOp.OpType.SET))))
            .all().get();
      }
      awaitBackoff(admin, "105");
      assertThat(Long.parseLong(brokerSetting(admin, "log.cleaner.dedupe.buffer.size")))
          .as("the cleaner's buffer, allocated again on each restart").isLessThanOrEqualTo(HEAP_BYTES / 8);
      assertThat(Files.readString(dir.resolve("broker.log"))).doesNotContain("OutOfMemoryError");
    }
  }

  private static String brokerSetting(Admin admin, String name) throws Exception {
    return admin.describeConfigs(List.of(NODE)).all().get().get(NODE).get(name).value();
  }

  /** The broker applies a dynamic setting as its metadata reaches it: wait until it reports the last one. */
  private static void awaitBackoff(Admin admin, String expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String applied = null;
    while (System.nanoTime() < deadline) {
      applied = brokerSetting(admin, "log.cleaner.backoff.ms");
      if (expected.equals(applied)) {
        return;
      }
      Thread.sleep(50);
    }
    assertThat(applied).as("log.cleaner.backoff.ms as the broker reports it").isEqualTo(expected);
  }
}
