package lat.pipeline.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lat.pipeline.config.KafkaSecurity;
import lat.pipeline.schemas.Topic;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every Kafka client of a service, as kafka-streams-examples' {@code MicroserviceUtils}
 * does: one base configuration (bootstrap servers and {@link KafkaSecurity}) plus each client's own
 * settings. The only place where security settings reach a client.
 *
 * <p>Precedence, lowest first: bootstrap servers and the {@code KAFKA_*} security variables; then
 * {@code KAFKA_CLIENT_PROPERTIES_FILE} (the escape hatch: it may replace anything above); then the
 * client's own settings from the code (serializers, acks, idempotence, transactions, isolation),
 * which the service's guarantees rest on. A file key that a client's own setting overrides is
 * logged by name, never by value.
 */
public final class KafkaClients {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaClients.class);

  private final String bootstrapServers;
  private final KafkaSecurity security;

  public KafkaClients(String bootstrapServers, KafkaSecurity security) {
    this.bootstrapServers = bootstrapServers;
    this.security = security;
  }

  public static KafkaClients plaintext(String bootstrapServers) {
    return new KafkaClients(bootstrapServers, KafkaSecurity.plaintext());
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public KafkaSecurity security() {
    return security;
  }

  /** Bootstrap servers, security, the client properties file, then {@code own}. */
  public Map<String, Object> config(Map<String, ?> own) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.putAll(security.clientConfig());
    Set<String> overridden = new TreeSet<>(own.keySet());
    overridden.retainAll(security.clientProperties().keySet());
    if (!overridden.isEmpty()) {
      LOG.warn("{} sets {}, which this client sets itself; the client's own values are used",
          KafkaSecurity.CLIENT_PROPERTIES_FILE, overridden);
    }
    config.putAll(own);
    return config;
  }

  /** For Kafka Streams: security at the top level applies to its producers, consumers and admin alike. */
  public Properties streamsProperties(Map<String, ?> own) {
    Properties properties = new Properties();
    properties.putAll(config(own));
    return properties;
  }

  /** A producer for {@code topic}, with the topic's serializers. */
  public <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic, Map<String, ?> own) {
    return producer(own, topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  /** One producer for topics of one format (every raw topic, say), with their serializers. */
  public <K, V> KafkaProducer<K, V> producer(List<Topic<K, V>> topics, Map<String, ?> own) {
    Topic<K, V> first = topics.get(0);
    for (Topic<K, V> topic : topics) {
      if (topic.keySerde().getClass() != first.keySerde().getClass()
          || topic.valueSerde().getClass() != first.valueSerde().getClass()) {
        throw new IllegalArgumentException(topic.name() + " is not of the format of " + first.name());
      }
    }
    return producer(first, own);
  }

  /**
   * A producer that writes records already encoded, key as text and value as bytes: for writers of
   * several formats that encode each record with its topic's codec or serde (replay, re-drive).
   */
  public KafkaProducer<String, byte[]> bytesProducer(Map<String, ?> own) {
    return producer(own, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * A consumer for {@code topic}, with the topic's deserializers; it may read other topics of the same
   * format too (every raw topic, say).
   */
  public <K, V> KafkaConsumer<K, V> consumer(Topic<K, V> topic, Map<String, ?> own) {
    return consumer(own, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  /**
   * A consumer that takes any topic's records as they lie, key as text and value as bytes: for readers
   * of several formats that decode each record with its topic's codec (the tools, the console).
   */
  public KafkaConsumer<String, byte[]> bytesConsumer(Map<String, ?> own) {
    return consumer(own, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** A producer with serializers of its own: for a topic that has no {@link Topic} descriptor (tests' own topics). */
  public <K, V> KafkaProducer<K, V> producer(Map<String, ?> own, Serializer<K> keys, Serializer<V> values) {
    return new KafkaProducer<>(config(own), keys, values);
  }

  /** A consumer with deserializers of its own, like {@link #producer(Map, Serializer, Serializer)}. */
  public <K, V> KafkaConsumer<K, V> consumer(Map<String, ?> own, Deserializer<K> keys, Deserializer<V> values) {
    return new KafkaConsumer<>(config(own), keys, values);
  }

  public Admin admin(Map<String, ?> own) {
    return Admin.create(config(own));
  }

  /**
   * Fails fast at start-up when the cluster cannot be reached with these settings: a refused
   * password, an untrusted certificate or a missing ACL is answered with a {@link KafkaAccessException}
   * that names the setting to fix.
   */
  public void verifyConnection(Duration timeout) {
    try (Admin admin = admin(timeouts(timeout))) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while connecting to Kafka", e);
    } catch (ExecutionException | TimeoutException e) {
      throw KafkaAccessException.explain(e, this);
    }
  }

  /**
   * Fails fast at start-up when the ACLs do not allow {@code operation} (e.g. WRITE) on each of
   * {@code topics}, with a {@link KafkaAccessException} naming the topics; asks the broker for
   * this client's authorized operations, so nothing is written or read. A topic that does not exist
   * yet (its service creates it) cannot be judged and passes.
   */
  public void verifyTopicAccess(Duration timeout, Collection<String> topics, AclOperation operation) {
    try (Admin admin = admin(timeouts(timeout))) {
      Map<String, KafkaFuture<TopicDescription>> described = admin
          .describeTopics(topics, new DescribeTopicsOptions().includeAuthorizedOperations(true))
          .topicNameValues();
      Set<String> denied = new TreeSet<>();
      for (Map.Entry<String, KafkaFuture<TopicDescription>> topic : described.entrySet()) {
        try {
          if (!topic.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS).authorizedOperations().contains(operation)) {
            denied.add(topic.getKey());
          }
        } catch (ExecutionException e) {
          // Without DESCRIBE the broker answers for the topic with an error that does not name it.
          if (e.getCause() instanceof TopicAuthorizationException) {
            denied.add(topic.getKey());
          } else if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
            throw e;
          }
        }
      }
      if (!denied.isEmpty()) {
        throw KafkaAccessException.denied(this, operation, denied);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while connecting to Kafka", e);
    } catch (ExecutionException | TimeoutException e) {
      throw KafkaAccessException.explain(e, this);
    }
  }

  private static Map<String, Object> timeouts(Duration timeout) {
    return Map.of(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
  }
}
