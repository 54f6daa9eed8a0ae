package lat.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import lat.pipeline.dev.Ports;
import lat.pipeline.dev.bsale.BsaleSimulator;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.SecuredKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.dev.testing.TestServices;
import lat.pipeline.dev.testing.TopicRecords;
import lat.pipeline.fetcher.FetcherService;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.NormalizerService;
import lat.pipeline.receiver.ReceiverService;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pipeline on a SASL_SSL broker with SCRAM and ACLs: the receiver, the normalizer and the
 * fetcher each log in as their KafkaUser of {@code k8s/base/kafka-users.yaml}, with exactly its
 * ACLs, and a webhook reaches a downstream consumer that may only read the canonical topics.
 */
@ExtendWith({SecuredKafka.class, SharedRegistry.class})
class SecuredPipelineTest {

  private static final TestServices SERVICES = TestServices.withoutEnvironment("secured");
  private static ReceiverService receiver;
  private static KafkaClients downstream;

  @BeforeAll
  static void startServices() throws Exception {
    SecuredServices.createTopics();
    SecuredKafka.User reader = SecuredKafka.createUser("downstream-reader");
    SecuredKafka.allow(reader, Topics.CANONICAL.stream().collect(Collectors.toMap(
        topic -> new ResourcePattern(ResourceType.TOPIC, topic.name(), PatternType.LITERAL),
        topic -> List.of(AclOperation.READ, AclOperation.DESCRIBE))));
    downstream = reader.clients();
    BsaleSimulator bsale = SERVICES.start(() -> BsaleSimulator.start(Ports.free(), Set.of(SecuredServices.BSALE_TOKEN)));
    receiver = SERVICES.start(() -> SecuredServices.startReceiver(SecuredServices.receiverEnv(ManifestUsers.create("receiver"))));
    SERVICES.start(() -> new NormalizerService(SecuredServices.normalizerConfig(
        SecuredServices.normalizerEnv(ManifestUsers.create("normalizer"), SharedRegistry.registry().baseUrl())), () -> {}).start());
    SERVICES.start(() -> new FetcherService(SecuredServices.fetcherConfig(
        SecuredServices.fetcherEnv(ManifestUsers.create("bsale-fetcher"), bsale.baseUrl()))).start());
  }

  @AfterAll
  static void stopServices() {
    SERVICES.close();
  }

  @Test
  void aWebhookTravelsReceiverToNormalizerToAConsumerOverSaslSsl() throws Exception {
    HttpResponse<String> answer = SecuredServices.post(receiver, "alegra",
        Files.readAllBytes(Fixtures.root().resolve("alegra/new-client.json")));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(SecuredServices.get(receiver, "/health/ready").body()).contains("\"kafka\":\"reachable\"");

    ConsumerRecord<String, byte[]> customer = awaitCanonical(Topics.CANONICAL_CUSTOMERS, "alegra:" + SecuredServices.TENANT + ":774");
    assertThat(customer.value()[0]).as("Confluent magic byte").isZero();
  }

  @Test
  void aBsaleNotificationIsFetchedByTheFetcherUnderItsAclsAndNormalized() throws Exception {
    HttpResponse<String> answer = SecuredServices.post(receiver, "bsale",
        Files.readAllBytes(Fixtures.root().resolve("bsale/product.post.json")));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

    // raw.bsale -> normalizer -> bsale.fetch-requests -> fetcher -> raw.bsale.resources -> normalizer
    ConsumerRecord<String, byte[]> product = awaitCanonical(Topics.CANONICAL_PRODUCTS, "bsale:" + SecuredServices.TENANT + ":");
    assertThat(product.key()).contains("952");
  }

  /** The first committed record whose key starts with {@code keyPrefix}, read as the downstream user. */
  private static ConsumerRecord<String, byte[]> awaitCanonical(Topic<?, ?> topic, String keyPrefix) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      List<ConsumerRecord<String, byte[]>> records = TopicRecords.readAll(downstream, topic.name(), true);
      for (ConsumerRecord<String, byte[]> record : records) {
        if (record.key() != null && record.key().startsWith(keyPrefix)) {
          return record;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("No record with a key starting " + keyPrefix + " in " + topic.name() + " within 90 s");
  }
}
