package lat.pipeline.normalizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.provisioning.TopicProvisioner;
import lat.pipeline.provisioning.TopicSettings;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Provisioning aligns a canonical entity topic that an earlier version created with the delete policy. */
@ExtendWith(SharedKafka.class)
class ExistingTopicsAlignmentTest {

  private static final TopicSettings SETTINGS = new TopicSettings(2, (short) 1, -1, 604_800_000L);

  // Fails on main before this change: the existing topic kept cleanup.policy=delete, so a consumer
  // reading it from the beginning could not learn the current state once old segments were deleted.
  @Test
  void anExistingCanonicalEntityTopicWithTheDeletePolicyIsCompacted() throws Exception {
    try (Admin admin = SharedKafka.broker().clients().admin(Map.of())) {
      TopicProvisioner.ensure(admin, Topics.all(), SETTINGS);
      ConfigResource stock = new ConfigResource(ConfigResource.Type.TOPIC, Topics.CANONICAL_STOCK.name());
      admin.incrementalAlterConfigs(Map.of(stock, List.of(
          new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SET),
          new AlterConfigOp(new ConfigEntry("delete.retention.ms", "1000"), AlterConfigOp.OpType.SET))))
          .all().get(30, TimeUnit.SECONDS);
      awaitPolicy(admin, stock, "delete");

      TopicProvisioner.ensure(admin, Topics.all(), SETTINGS);

      awaitPolicy(admin, stock, "compact");
      assertThat(config(admin, stock).get("delete.retention.ms").value()).isEqualTo("604800000");
      ConfigResource events = new ConfigResource(ConfigResource.Type.TOPIC, Topics.CANONICAL_EVENTS.name());
      assertThat(config(admin, events).get("cleanup.policy").value()).isEqualTo("delete");
    }
  }

  /** A topic's configuration reaches every broker component a moment after it is altered. */
  private static void awaitPolicy(Admin admin, ConfigResource topic, String policy) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!policy.equals(config(admin, topic).get("cleanup.policy").value()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(config(admin, topic).get("cleanup.policy").value()).isEqualTo(policy);
  }

  private static Config config(Admin admin, ConfigResource topic) throws Exception {
    return admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
  }
}
