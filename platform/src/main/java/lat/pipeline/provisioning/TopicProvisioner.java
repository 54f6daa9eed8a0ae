package lat.pipeline.provisioning;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service needs at start-up. Topics that already exist are left as they are,
 * except for two settings the pipeline's guarantees rest on, which are aligned (and logged): a raw
 * topic whose {@code max.message.bytes} is below what the largest accepted body needs is raised (a
 * record the topic refuses would be refused for good), and a canonical entity topic that is not
 * compacted (created by a version from before they were) gets {@code cleanup.policy=compact} and
 * the {@code delete.retention.ms} it would be created with (otherwise its consumers could not learn
 * the current state from it).
 */
public final class TopicProvisioner {

  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
  private static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  private static final String CLEANUP_POLICY = "cleanup.policy";
  private static final String DELETE_RETENTION_MS = "delete.retention.ms";

  private TopicProvisioner() {}

  public static void ensure(Admin admin, Collection<? extends Topic<?, ?>> topics, TopicSettings settings)
      throws InterruptedException {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          topics.stream()
              .filter(topic -> !existing.contains(topic.name()))
              .map(
                  topic ->
                      new NewTopic(topic.name(), settings.partitions(), settings.replicationFactor())
                          .configs(settings.configsFor(topic)))
              .toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).values().values().forEach(TopicProvisioner::awaitCreated);
      }
      alignExisting(admin, topics.stream().filter(topic -> existing.contains(topic.name())).toList(), settings);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not list, create or configure topics: " + e.getMessage(), e);
    }
  }

  private static void alignExisting(Admin admin, List<? extends Topic<?, ?>> existing, TopicSettings settings)
      throws ExecutionException, TimeoutException, InterruptedException {
    Map<ConfigResource, Topic<?, ?>> aligned = new HashMap<>();
    existing.stream()
        .filter(topic -> topic.role() == Topic.Role.RAW || Topics.CANONICAL_ENTITIES.contains(topic))
        .forEach(topic -> aligned.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()), topic));
    if (aligned.isEmpty()) {
      return;
    }
    Map<ConfigResource, Config> configs = admin.describeConfigs(aligned.keySet()).all().get(30, TimeUnit.SECONDS);
    Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
    configs.forEach((resource, config) -> {
      Topic<?, ?> topic = aligned.get(resource);
      Map<String, String> wanted = settings.configsFor(topic);
      List<AlterConfigOp> ops = new ArrayList<>();
      if (topic.role() == Topic.Role.RAW) {
        ConfigEntry entry = config.get(MAX_MESSAGE_BYTES);
        if (entry == null || entry.value() == null || Long.parseLong(entry.value()) < settings.rawMaxMessageBytes()) {
          ops.add(set(MAX_MESSAGE_BYTES, Integer.toString(settings.rawMaxMessageBytes())));
        }
      } else {
        ConfigEntry entry = config.get(CLEANUP_POLICY);
        if (entry == null || !wanted.get(CLEANUP_POLICY).equals(entry.value())) {
          ops.add(set(CLEANUP_POLICY, wanted.get(CLEANUP_POLICY)));
          ops.add(set(DELETE_RETENTION_MS, wanted.get(DELETE_RETENTION_MS)));
        }
      }
      if (!ops.isEmpty()) {
        changes.put(resource, ops);
        LOG.info("Aligning existing topic {}: {}", resource.name(), ops.stream()
            .map(op -> op.configEntry().name() + " " + currentValue(config, op.configEntry().name()) + " -> " + op.configEntry().value())
            .toList());
      }
    });
    if (!changes.isEmpty()) {
      admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static AlterConfigOp set(String name, String value) {
    return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
  }

  private static String currentValue(Config config, String name) {
    ConfigEntry entry = config.get(name);
    return entry == null ? "unset" : entry.value();
  }

  private static void awaitCreated(org.apache.kafka.common.KafkaFuture<Void> creation) {
    try {
      creation.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Could not create a topic: " + e.getCause().getMessage(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Timed out creating topics", e);
    }
  }
}
