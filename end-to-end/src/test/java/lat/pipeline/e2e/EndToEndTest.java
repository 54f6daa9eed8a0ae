package lat.pipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.dev.testing.TestServices;
import lat.pipeline.normalizer.NormalizerConfig;
import lat.pipeline.normalizer.NormalizerService;
import lat.pipeline.receiver.ReceiverConfig;
import lat.pipeline.receiver.ReceiverService;
import lat.pipeline.schemas.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole path on a real broker and a real registry: a POST to the receiver becomes a canonical
 * record that a consumer decodes with nothing but Apache Avro and the registry's Confluent-compatible
 * API, as any Confluent-style consumer would. This is the suite's test of the canonical wire format
 * (magic byte, schema id, Avro binary); the topology tests run on plain Avro serdes.
 */
@ExtendWith({SharedKafka.class, SharedRegistry.class})
class EndToEndTest {

  private static final String TENANT = "e2e" + UUID.randomUUID().toString().substring(0, 8);
  private static final String TOKEN = "e2e-token-0123456789";
  private static TestServices services;
  private static ReceiverService receiver;

  @BeforeAll
  static void startServices() {
    services = TestServices.onSharedStack("e2e").with("WEBHOOK_TOKENS", "*:" + TENANT + "=" + TOKEN);
    receiver = services.start(() -> new ReceiverService(ReceiverConfig.fromEnv(services.env())).start());
    services.start(() -> new NormalizerService(NormalizerConfig.fromEnv(services.env()), () -> {}).start());
  }

  @AfterAll
  static void stopServices() {
    services.close();
  }

  @Test
  void aPostedWebhookBecomesACanonicalRecordThatAPlainAvroConsumerDecodesThroughTheRegistry() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    byte[] body = Files.readAllBytes(Fixtures.root().resolve("alegra/new-client.json"));
    HttpResponse<String> answer = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/webhooks/alegra/" + TENANT + "?token=" + TOKEN))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);

    ConsumerRecord<String, byte[]> record = firstRecord(Topics.CANONICAL_CUSTOMERS.name(), "alegra:" + TENANT + ":774");
    ByteBuffer wire = ByteBuffer.wrap(record.value());
    assertThat(wire.get()).as("Confluent magic byte").isZero();
    int schemaId = wire.getInt();

    HttpResponse<String> schemaAnswer = http.send(HttpRequest.newBuilder(
            URI.create(SharedRegistry.registry().confluentCompatibleUrl() + "/schemas/ids/" + schemaId)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(schemaAnswer.statusCode()).isEqualTo(200);
    Schema writerSchema = new Schema.Parser().parse(new ObjectMapper().readTree(schemaAnswer.body()).get("schema").asText());

    GenericRecord customer = new GenericDatumReader<GenericRecord>(writerSchema).read(null,
        DecoderFactory.get().binaryDecoder(record.value(), 5, record.value().length - 5, null));
    assertThat(customer.get("id").toString()).isEqualTo("774");
    String sentEmail = new ObjectMapper().readTree(body).at("/message/client/email").asText();
    assertThat(customer.get("email").toString()).isEqualTo(sentEmail);
    GenericRecord metadata = (GenericRecord) customer.get("metadata");
    assertThat(metadata.get("provider").toString()).isEqualTo("alegra");
    assertThat(metadata.get("tenant").toString()).isEqualTo(TENANT);
    assertThat(metadata.get("receiveId").toString()).isEqualTo(answer.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
    assertThat(metadata.get("action").toString()).isEqualTo("CREATED");
  }

  private static ConsumerRecord<String, byte[]> firstRecord(String topic, String key) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer = SharedKafka.broker().clients()
        .consumer(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(java.util.List.of(topic));
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (key.equals(record.key())) {
            return record;
          }
        }
      }
    }
    throw new AssertionError("No record with key " + key + " in " + topic + " within 60 s");
  }
}
