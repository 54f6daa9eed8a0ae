package lat.pipeline.tools.tail;

import static lat.pipeline.tools.TestPipeline.await;
import static lat.pipeline.tools.TestPipeline.post;
import static lat.pipeline.tools.TestPipeline.run;
import static lat.pipeline.tools.TestPipeline.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.tools.CommandLine;
import lat.pipeline.tools.TestPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({SharedKafka.class, SharedRegistry.class, TestPipeline.class})
class TailTest {

  private static final byte[] NOT_UTF8 = {(byte) 0xff, (byte) 0xfe, 'h', 'i', (byte) 0xc3, (byte) 0x28};

  private static TestPipeline.Run tail(String... args) {
    return run(new Tail(Tail.Options.parse(args)));
  }

  @Test
  void rawBodiesAreTextOrBase64WithHeadersAndOnlyTheTenantAsked() throws Exception {
    String tenant = tenant(0);
    byte[] json = Files.readAllBytes(Fixtures.root().resolve("alegra/new-item.json"));
    String textId = post("alegra", tenant, json);
    String binaryId = post("alegra", tenant, NOT_UTF8);
    post("alegra", tenant(1), json);

    TestPipeline.Run run = tail("raw.alegra", "--tenant", tenant);

    assertThat(run.exitCode()).isZero();
    List<JsonNode> records = run.records();
    assertThat(records).hasSize(2).allSatisfy(record -> {
      assertThat(record.get("topic").asText()).isEqualTo("raw.alegra");
      assertThat(record.get("key").asText()).isEqualTo(tenant);
      assertThat(record.get("headers").get("tenant").asText()).isEqualTo(tenant);
      assertThat(record.get("partition").isInt()).isTrue();
      assertThat(record.get("offset").isLong() || record.get("offset").isInt()).isTrue();
      assertThat(Instant.parse(record.get("timestamp").asText())).isBefore(Instant.now());
    });
    JsonNode text = records.get(0);
    assertThat(text.get("headers").get("ce_id").asText()).isEqualTo(textId);
    assertThat(text.get("valueEncoding").asText()).isEqualTo("text");
    assertThat(text.get("value").asText()).isEqualTo(new String(json, StandardCharsets.UTF_8));
    JsonNode binary = records.get(1);
    assertThat(binary.get("headers").get("ce_id").asText()).isEqualTo(binaryId);
    assertThat(binary.get("valueEncoding").asText()).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(binary.get("value").asText())).isEqualTo(NOT_UTF8);
  }

  @Test
  void canonicalValuesAreDecodedFromAvroAndFilteredByTenantAndKey() throws Exception {
    String tenant = tenant(2);
    byte[] body = Files.readAllBytes(Fixtures.root().resolve("alegra/new-client.json"));
    String id = post("alegra", tenant, body);
    String key = "alegra:" + tenant + ":774";

    TestPipeline.Run run = await(() -> tail("canonical.customers", "--tenant", tenant),
        r -> !r.records().isEmpty(), "the customer on canonical.customers");

    JsonNode record = run.records().get(0);
    assertThat(record.get("key").asText()).isEqualTo(key);
    assertThat(record.get("valueEncoding").asText()).isEqualTo("avro");
    JsonNode customer = record.get("value");
    assertThat(customer.get("id").asText()).isEqualTo("774");
    assertThat(customer.get("email").asText())
        .isEqualTo(lat.pipeline.tools.RecordJson.JSON.readTree(body).at("/message/client/email").asText());
    JsonNode metadata = customer.get("metadata");
    assertThat(metadata.get("receiveId").asText()).isEqualTo(id);
    assertThat(metadata.get("tenant").asText()).isEqualTo(tenant);
    assertThat(metadata.get("action").asText()).isEqualTo("CREATED");
    assertThat(Instant.parse(metadata.get("receivedAt").asText())).as("timestamp-millis as RFC 3339").isNotNull();

    assertThat(tail("canonical.customers", "--key", key).records()).hasSize(1);
    assertThat(tail("canonical.customers", "--key", key + "0").records()).isEmpty();
    assertThat(tail("canonical.customers", "--tenant", tenant(3)).records()).isEmpty();
  }

  @Test
  void fromStartsAtATimeAndEarliestAtTheBeginning() {
    String tenant = tenant(4);
    String first = post("ninox", tenant, "{\"first\":true}".getBytes(StandardCharsets.UTF_8));
    Instant firstTime = Instant.parse(tail("raw.ninox", "--tenant", tenant).records().get(0).get("timestamp").asText());
    // Condition, not a sleep: the second record must get a later millisecond than the first.
    await(Instant::now, now -> now.isAfter(firstTime), "the clock to pass the first record's time");
    String second = post("ninox", tenant, "{\"second\":true}".getBytes(StandardCharsets.UTF_8));

    assertThat(ids(tail("raw.ninox", "--tenant", tenant, "--from", firstTime.plusMillis(1).toString())))
        .containsExactly(second);
    assertThat(ids(tail("raw.ninox", "--tenant", tenant, "--from", "earliest"))).containsExactly(first, second);
  }

  @Test
  void followKeepsReadingUntilStopped() throws Exception {
    String tenant = tenant(5);
    Tail tail = new Tail(Tail.Options.parse(new String[] {"raw.obuma", "--tenant", tenant, "--follow"}));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    CompletableFuture<Integer> following = CompletableFuture.supplyAsync(() -> {
      try {
        return tail.run(TestPipeline.config(), print, System.err);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    String id = post("obuma", tenant, "{\"followed\":true}".getBytes(StandardCharsets.UTF_8));
    await(() -> out.toString(StandardCharsets.UTF_8), text -> text.contains(id), "the followed record");
    assertThat(following).isNotDone();

    tail.stop();
    assertThat(following.get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void anUnknownTopicOrOptionIsSaidPlainly() {
    TestPipeline.Run run = tail("raw.nope");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("there is no topic raw.nope");
    assertThatThrownBy(() -> Tail.Options.parse(new String[] {"raw.alegra", "--since", "x"}))
        .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("--since");
    assertThatThrownBy(() -> Tail.Options.parse(new String[] {"raw.alegra", "--from", "yesterday"}))
        .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("RFC 3339");
  }

  private static List<String> ids(TestPipeline.Run run) {
    return run.records().stream().map(r -> r.get("headers").get("ce_id").asText()).toList();
  }
}
