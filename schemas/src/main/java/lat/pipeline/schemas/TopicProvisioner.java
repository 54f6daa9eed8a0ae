package lat.pipeline.schemas;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics a service needs at start-up; topics that already exist are left as they are. */
public final class TopicProvisioner {

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
                          .configs(settings.configsFor(topic.role())))
              .toList();
      if (missing.isEmpty()) {
        return;
      }
      admin.createTopics(missing).values().values().forEach(TopicProvisioner::awaitCreated);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not list or create topics: " + e.getMessage(), e);
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
