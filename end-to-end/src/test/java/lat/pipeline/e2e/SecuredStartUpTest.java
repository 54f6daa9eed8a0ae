package lat.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import lat.pipeline.config.Env;
import lat.pipeline.config.KafkaSecurity;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.SecuredKafka;
import lat.pipeline.fetcher.FetcherService;
import lat.pipeline.kafka.KafkaAccessException;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.normalizer.NormalizerService;
import lat.pipeline.receiver.ReceiverService;
import lat.pipeline.receiver.durability.Spool;
import lat.pipeline.receiver.health.Readiness;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a service does when Kafka refuses it: a wrong password or a missing ACL stops its start-up
 * with a message that names the setting or the topic and holds no secret; a refused login makes
 * the receiver not ready; an ACL taken away while the receiver runs answers each webhook of that
 * topic 500, and none of them waits in the spool.
 */
@ExtendWith(SecuredKafka.class)
class SecuredStartUpTest {

  private static SecuredKafka.User receiverUser;
  @TempDir Path dir;

  @BeforeAll
  static void topicsAndUser() throws Exception {
    SecuredServices.createTopics();
    receiverUser = ManifestUsers.create("receiver", "receiver-of-start-up-test", acl -> true);
  }

  @Test
  void aWrongPasswordStopsEachServiceNamingThePasswordSettingAndNoSecret() throws Exception {
    String right = Files.readString(receiverUser.passwordFile());
    String wrong = "wrong-" + right.substring(0, 12);
    Path wrongFile = Files.writeString(dir.resolve("wrong.password"), wrong);
    Map<String, String> receiverEnv = withWrongPassword(SecuredServices.receiverEnv(receiverUser), wrongFile);
    Map<String, String> normalizerEnv = withWrongPassword(SecuredServices.normalizerEnv(receiverUser, "http://127.0.0.1:9"), wrongFile);
    Map<String, String> fetcherEnv = withWrongPassword(SecuredServices.fetcherEnv(receiverUser, "http://127.0.0.1:9"), wrongFile);

    List<Runnable> starts = List.of(
        () -> startQuietly(() -> SecuredServices.startReceiver(receiverEnv)),
        () -> startQuietly(() -> new NormalizerService(SecuredServices.normalizerConfig(normalizerEnv), () -> {}).start()),
        () -> startQuietly(() -> new FetcherService(SecuredServices.fetcherConfig(fetcherEnv)).start()));
    for (Runnable start : starts) {
      assertThatThrownBy(start::run)
          .isInstanceOf(KafkaAccessException.class)
          .hasMessageContaining(KafkaSecurity.PASSWORD_FILE)
          .hasMessageContaining("user 'receiver-of-start-up-test'")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong, right));
    }
  }

  // Fails on main before this change: a refused login read as "unreachable", and the receiver stayed
  // ready while its spool could take webhooks, though the broker refuses every one of them.
  @Test
  void theReceiversReadinessSaysKafkaRefusesItsLoginAndIsDown() throws Exception {
    Map<String, String> env = withWrongPassword(SecuredServices.receiverEnv(receiverUser),
        Files.writeString(dir.resolve("wrong.password"), "not-the-password"));
    KafkaClients clients = new KafkaClients(SecuredKafka.broker().bootstrapServers(), KafkaSecurity.fromEnv(new Env(env)));
    Spool spool = Spool.open(dir.resolve("spool"), 1 << 20, 1 << 16, 1 << 20, Duration.ofSeconds(2));
    try (Admin admin = clients.admin(Map.of()); Readiness readiness = new Readiness(admin, spool, Duration.ofSeconds(10))) {
      readiness.start(Duration.ofMillis(200));
      long deadline = System.currentTimeMillis() + 30_000;
      while (!readiness.brokerRefuses() && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(readiness.brokerRefuses()).isTrue();
      assertThat(readiness.spoolWritable()).isTrue();
      assertThat(readiness.isReady()).isFalse();
    } finally {
      spool.close();
    }
  }

  @Test
  void aReceiverWithoutWriteOnOneRawTopicDoesNotStartAndSaysWhichTopic() throws Exception {
    SecuredKafka.User withoutNinox = ManifestUsers.create("receiver", "receiver-without-ninox",
        acl -> !acl.name().equals(Topics.RAW_NINOX.name()));
    SecuredKafka.allow(withoutNinox, ResourceType.TOPIC, Topics.RAW_NINOX.name(), PatternType.LITERAL, AclOperation.DESCRIBE);

    assertThatThrownBy(() -> SecuredServices.startReceiver(SecuredServices.receiverEnv(withoutNinox)))
        .isInstanceOf(KafkaAccessException.class)
        .hasMessageContaining("user 'receiver-without-ninox'")
        .hasMessageContaining("WRITE")
        .hasMessageContaining("[" + Topics.RAW_NINOX.name() + "]");
  }

  @Test
  void anAclTakenAwayWhileTheReceiverRunsIsAnswered500AndNothingIsSpooled() throws Exception {
    SecuredKafka.User user = ManifestUsers.create("receiver", "receiver-losing-ninox", acl -> true);
    try (ReceiverService receiver = SecuredServices.startReceiver(SecuredServices.receiverEnv(user))) {
      byte[] ninox = Files.readAllBytes(Fixtures.of("ninox").get(0));
      assertThat(SecuredServices.post(receiver, "ninox", ninox).statusCode()).isEqualTo(200);

      SecuredKafka.revoke(user, ResourceType.TOPIC, Topics.RAW_NINOX.name(), PatternType.LITERAL, AclOperation.WRITE);
      awaitRefused(user);
      HttpResponse<String> refused = SecuredServices.post(receiver, "ninox", ninox);

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(500);
      assertThat(refused.body()).contains("TopicAuthorizationException");
      String ready = SecuredServices.get(receiver, "/health/ready").body();
      assertThat(ready).as("nothing waits in the spool").contains("\"records\":0");
      assertThat(SecuredServices.post(receiver, "alegra",
          Files.readAllBytes(Fixtures.root().resolve("alegra/new-client.json"))).statusCode())
          .as("the other raw topics are still written").isEqualTo(200);
    }
  }

  /** Until the broker's authorizer has the removal: then the user may no longer write raw.ninox. */
  private static void awaitRefused(SecuredKafka.User user) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        user.clients().verifyTopicAccess(Duration.ofSeconds(10), List.of(Topics.RAW_NINOX.name()), AclOperation.WRITE);
      } catch (KafkaAccessException refused) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("The broker still lets " + user.name() + " write " + Topics.RAW_NINOX.name());
  }

  private static Map<String, String> withWrongPassword(Map<String, String> env, Path wrongFile) {
    env.put(KafkaSecurity.PASSWORD_FILE, wrongFile.toString());
    return env;
  }

  private interface Start {
    AutoCloseable start() throws Exception;
  }

  /** Starts a service that must not start; closes it if it did, and rethrows what stopped it. */
  private static void startQuietly(Start start) {
    try {
      start.start().close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
