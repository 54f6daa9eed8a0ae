package lat.pipeline.receiver;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/** The same round trip against a broker in a container, where a Docker engine exists; skipped elsewhere. */
@Testcontainers(disabledWithoutDocker = true)
class ReceiverTestcontainersTest extends RawRoundTripContract {

  @Container
  static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

  private static ReceiverHarness receiver;

  @BeforeAll
  static void startReceiver() throws InterruptedException {
    receiver = new ReceiverHarness(KAFKA.getBootstrapServers(), Map.of());
  }

  @AfterAll
  static void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @Override
  ReceiverHarness receiver() {
    return receiver;
  }
}
