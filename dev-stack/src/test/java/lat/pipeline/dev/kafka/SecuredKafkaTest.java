package lat.pipeline.dev.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import lat.pipeline.config.Env;
import lat.pipeline.config.KafkaSecurity;
import lat.pipeline.dev.testing.SecuredKafka;
import lat.pipeline.dev.testing.TopicRecords;
import lat.pipeline.kafka.KafkaAccessException;
import lat.pipeline.kafka.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Clients built by {@link KafkaClients} from the {@code KAFKA_*} variables, on a SASL_SSL broker with SCRAM and ACLs. */
@ExtendWith(SecuredKafka.class)
class SecuredKafkaTest {

  private static final String ALLOWED = "secured.allowed";
  private static final String DENIED = "secured.denied";
  private static final String GROUP = "secured-readers";
  private static SecuredKafka.User user;

  @TempDir Path dir;
  private final StringWriter logs = new StringWriter();
  private WriterAppender capture;

  @BeforeAll
  static void topicsUserAndAcls() throws Exception {
    try (Admin admin = SecuredKafka.broker().clients().admin(Map.of())) {
      admin.createTopics(List.of(new NewTopic(ALLOWED, 1, (short) 1), new NewTopic(DENIED, 1, (short) 1))).all().get();
    }
    user = SecuredKafka.createUser("pipeline-client");
    SecuredKafka.allow(user, ResourceType.TOPIC, ALLOWED, PatternType.LITERAL,
        AclOperation.WRITE, AclOperation.READ, AclOperation.DESCRIBE);
    SecuredKafka.allow(user, ResourceType.GROUP, GROUP, PatternType.LITERAL, AclOperation.READ);
  }

  /** Everything the Kafka clients log while a test runs, their configuration dumps included. */
  @BeforeEach
  void captureLogs() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    capture = WriterAppender.newBuilder().setName("capture").setTarget(logs)
        .setLayout(PatternLayout.newBuilder().withPattern("%p %c %m %ex%n").build()).build();
    capture.start();
    context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
    Configurator.setLevel("org.apache.kafka", Level.INFO);
    context.updateLoggers();
  }

  @AfterEach
  void stopCapture() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender("capture");
    Configurator.setLevel("org.apache.kafka", Level.WARN);
    capture.stop();
  }

  @Test
  void theScramUserProducesAndConsumesOverSaslSslWhereItsAclsAllow() throws Exception {
    KafkaClients clients = user.clients();
    clients.verifyConnection(Duration.ofSeconds(20));
    try (KafkaProducer<String, String> producer = clients.producer(
        Map.of(ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(ALLOWED, "tenant", "over SASL_SSL")).get();
    }
    try (KafkaConsumer<String, String> consumer = clients.consumer(Map.of(
            ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(ALLOWED));
      Instant deadline = Instant.now().plusSeconds(30);
      boolean read = false;
      while (!read && Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          read |= record.value().equals("over SASL_SSL");
        }
      }
      assertThat(read).as("the record is read back through the user's group").isTrue();
    }
    assertThat(TopicRecords.readAll(clients, ALLOWED, true)).extracting(r -> new String(r.value())).contains("over SASL_SSL");
    assertThat(logs.toString()).contains("sasl.jaas.config = [hidden]")
        .doesNotContain(Files.readString(user.passwordFile()));
  }

  @Test
  void aWrongPasswordFailsAtStartUpNamingTheSettingAndNoSecret() throws Exception {
    String wrong = "wrong-" + Files.readString(user.passwordFile()).substring(0, 8);
    Map<String, String> env = new HashMap<>(user.env());
    env.put(KafkaSecurity.PASSWORD_FILE, Files.writeString(dir.resolve("wrong.password"), wrong).toString());
    KafkaClients clients = new KafkaClients(SecuredKafka.broker().bootstrapServers(), KafkaSecurity.fromEnv(new Env(env)));

    assertThatThrownBy(() -> clients.verifyConnection(Duration.ofSeconds(20)))
        .isInstanceOf(KafkaAccessException.class)
        .hasMessageContaining("KAFKA_SASL_PASSWORD_FILE")
        .hasMessageContaining("user 'pipeline-client'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong, Files.readString(user.passwordFile())));
    assertThat(logs.toString()).contains("invalid credentials with SASL mechanism SCRAM-SHA-512").doesNotContain(wrong, Files.readString(user.passwordFile()));
  }

  @Test
  void anUntrustedBrokerCertificateFailsAtStartUpNamingTheTrustSetting() {
    Map<String, String> env = new HashMap<>(user.env());
    env.remove(KafkaSecurity.CA_PEM_FILE);
    KafkaClients clients = new KafkaClients(SecuredKafka.broker().bootstrapServers(), KafkaSecurity.fromEnv(new Env(env)));

    assertThatThrownBy(() -> clients.verifyConnection(Duration.ofSeconds(20)))
        .isInstanceOf(KafkaAccessException.class)
        .hasMessageContaining("TLS handshake")
        .hasMessageContaining("KAFKA_SSL_CA_PEM_FILE");
  }

  @Test
  void writingToATopicWithoutAnAclIsAnAuthorizationErrorNamingTheTopic() throws Exception {
    KafkaClients clients = user.clients();
    try (KafkaProducer<String, String> producer = clients.producer(
        Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000),
        new StringSerializer(), new StringSerializer())) {
      ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> producer.send(new ProducerRecord<>(DENIED, "tenant", "not allowed")).get());
      assertThat(failure.getCause()).isInstanceOf(TopicAuthorizationException.class);
      assertThat(KafkaAccessException.isAccessFailure(failure)).isTrue();
      assertThat(KafkaAccessException.explain(failure, clients).getMessage())
          .contains("user 'pipeline-client'", "[" + DENIED + "]");
    }
  }

  @Test
  void aMissingAclFailsAtStartUpNamingTheTopic() {
    KafkaClients clients = user.clients();
    clients.verifyTopicAccess(Duration.ofSeconds(20), List.of(ALLOWED), AclOperation.WRITE);

    assertThatThrownBy(() -> clients.verifyTopicAccess(Duration.ofSeconds(20), List.of(ALLOWED, DENIED), AclOperation.WRITE))
        .isInstanceOf(KafkaAccessException.class)
        .hasMessageContaining("user 'pipeline-client'")
        .hasMessageContaining(DENIED)
        .hasMessageNotContaining(ALLOWED + ",");
  }
}
