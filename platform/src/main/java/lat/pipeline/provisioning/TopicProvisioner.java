package lat.pipeline.provisioning;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lat.pipeline.schemas.Topic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics a service needs at start-up. Topics that already exist are left as they are,
 * except that a raw topic whose {@code max.message.bytes} is below what the largest accepted body
 * needs is raised: a record the topic refuses would be refused for good.
 */
public final class TopicProvisioner {

  private static final String MAX_MESSAGE_BYTES = "max.message.bytes";

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
      raiseRawMessageLimits(admin, topics.stream()
          .filter(topic -> topic.role() == Topic.Role.RAW && existing.contains(topic.name()))
          .map(Topic::name)
          .toList(), settings.rawMaxMessageBytes());
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not list, create or configure topics: " + e.getMessage(), e);
    }
  }

  private static void raiseRawMessageLimits(Admin admin, List<String> rawTopics, int needed)
      throws ExecutionException, TimeoutException, InterruptedException {
    if (rawTopics.isEmpty()) {
      return;
    }
    List<ConfigResource> resources =
        rawTopics.stream().map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
    Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
    Map<ConfigResource, Collection<AlterConfigOp>> raises = new java.util.HashMap<>();
    configs.forEach((resource, config) -> {
      ConfigEntry entry = config.get(MAX_MESSAGE_BYTES);
      if (entry == null || entry.value() == null || Long.parseLong(entry.value()) < needed) {
        raises.put(resource, List.of(new AlterConfigOp(
            new ConfigEntry(MAX_MESSAGE_BYTES, Integer.toString(needed)), AlterConfigOp.OpType.SET)));
      }
    });
    if (!raises.isEmpty()) {
      admin.incrementalAlterConfigs(raises).all().get(30, TimeUnit.SECONDS);
    }
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
