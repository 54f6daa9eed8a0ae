package lat.pipeline.tools.trace;

import static lat.pipeline.tools.TestPipeline.await;
import static lat.pipeline.tools.TestPipeline.post;
import static lat.pipeline.tools.TestPipeline.run;
import static lat.pipeline.tools.TestPipeline.tenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import lat.pipeline.dev.bsale.BsaleCatalog;
import lat.pipeline.dev.testing.Fixtures;
import lat.pipeline.dev.testing.SharedKafka;
import lat.pipeline.dev.testing.SharedRegistry;
import lat.pipeline.dev.testing.TopicRecords;
import lat.pipeline.receiver.durability.EventIds;
import lat.pipeline.schemas.BsaleResources;
import lat.pipeline.schemas.RawRecords;
import lat.pipeline.schemas.Topics;
import lat.pipeline.tools.CommandLine;
import lat.pipeline.tools.RecordJson;
import lat.pipeline.tools.TestPipeline;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({SharedKafka.class, SharedRegistry.class, TestPipeline.class})
class TraceTest {

  private static TestPipeline.Run trace(String id) {
    return run(new Trace(Trace.Options.parse(new String[] {id})));
  }

  private static boolean has(TestPipeline.Run run, String label) {
    return run.out().lines().anyMatch(line -> line.startsWith(label));
  }

  /** The JSON line printed under the first label that starts with {@code label}. */
  private static JsonNode under(TestPipeline.Run run, String label) throws Exception {
    List<String> lines = run.out().lines().toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).startsWith(label)) {
        return RecordJson.JSON.readTree(lines.get(i + 1));
      }
    }
    throw new AssertionError("no '" + label + "' in:\n" + run.out());
  }

  @Test
  void aWebhookIsTracedToItsRawAndCanonicalRecords() throws Exception {
    String tenant = tenant(6);
    byte[] body = Files.readAllBytes(Fixtures.root().resolve("alegra/new-client.json"));
    String id = post("alegra", tenant, body);

    TestPipeline.Run run = await(() -> trace(id), r -> has(r, "canonical record "), "the canonical record");

    assertThat(run.exitCode()).isZero();
    JsonNode raw = under(run, "raw record raw.alegra/");
    assertThat(raw.get("headers").get("ce_id").asText()).isEqualTo(id);
    assertThat(raw.get("value").asText()).isEqualTo(new String(body, StandardCharsets.UTF_8));
    JsonNode canonical = under(run, "canonical record canonical.customers/");
    assertThat(canonical.get("key").asText()).isEqualTo("alegra:" + tenant + ":774");
    assertThat(canonical.get("value").get("metadata").get("receiveId").asText()).isEqualTo(id);
    assertThat(run.out()).contains("Found 1 raw record(s), 1 canonical record(s), 0 dead letter(s).")
        .contains("Scanned:").contains("raw topics (until found): ").contains("dlq.normalizer (the tenant's partition)");
  }

  @Test
  void anIdThatDoesNotExistIsSaidPlainly() {
    String id = EventIds.next();

    TestPipeline.Run run = trace(id);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("Not found: no raw record has ce_id " + id).contains("Scanned:");
    Trace.Result result = new Trace(Trace.Options.parse(new String[] {id})).find(TestPipeline.config());
    assertThat(result.found()).isFalse();
    assertThat(result.steps()).isEmpty();
    assertThat(result.summary()).startsWith("Not found: no raw record has ce_id " + id);
    assertThatThrownBy(() -> Trace.Options.parse(new String[] {"not-an-id"}))
        .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("not a receive id");
    assertThatThrownBy(() -> Trace.Options.parse(new String[] {"3f2504e0-4f89-41d3-9a0c-0305e82c3301"}))
        .as("a version 4 UUID tells no receive time").isInstanceOf(CommandLine.UsageException.class);
  }

  @Test
  void aDeadLetteredWebhookShowsItsStepAndReason() throws Exception {
    String tenant = tenant(7);
    String id = post("alegra", tenant, new byte[] {(byte) 0xff, '{'});

    TestPipeline.Run run = await(() -> trace(id), r -> has(r, "dead letter "), "the dead letter");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).containsPattern("dead letter dlq\\.normalizer/\\d+/\\d+, step parse: .+");
    JsonNode deadLetter = under(run, "dead letter ");
    assertThat(deadLetter.get("deadLetter").get("step").asText()).isEqualTo("parse");
    assertThat(deadLetter.get("deadLetter").get("reason").asText()).isNotBlank();
    assertThat(deadLetter.get("deadLetter").get("source").asText()).startsWith("raw.alegra/");
    assertThat(deadLetter.get("valueEncoding").asText()).isEqualTo("base64");
    assertThat(under(run, "raw record ").get("headers").get("ce_id").asText()).isEqualTo(id);
    assertThat(has(run, "canonical record ")).isFalse();

    // The library API the console renders: the same trail, typed.
    Trace.Result result = new Trace(Trace.Options.parse(new String[] {id})).find(TestPipeline.config());
    assertThat(result.found()).isTrue();
    assertThat(result.records(Trace.Kind.RAW)).singleElement()
        .satisfies(raw -> assertThat(raw.record().get("headers").get("ce_id").asText()).isEqualTo(id));
    assertThat(result.records(Trace.Kind.DEAD_LETTER)).singleElement()
        .satisfies(dead -> assertThat(dead.record().get("deadLetter").get("step").asText()).isEqualTo("parse"));
    assertThat(result.records(Trace.Kind.CANONICAL)).isEmpty();
    assertThat(result.summary()).isEqualTo("Found 1 raw record(s), 0 canonical record(s), 1 dead letter(s).");
  }

  @Test
  void aBsaleNotificationIsTracedThroughItsFetchToTheCanonicalRecordAlsoWhenCoalesced() throws Exception {
    String tenant = tenant(8);
    Coalesced ids = coalescedPair(tenant, "bsale/product.put.json", "/v1/products/952.json");
    String later = ids.later();

    TestPipeline.Run own = await(() -> trace(later), r -> has(r, "canonical record "), "the Bsale canonical record");
    assertThat(under(own, "fetch request bsale.fetch-requests/").get("headers").get("ce_id").asText()).isEqualTo(later);
    assertThat(under(own, "fetched resource raw.bsale.resources/").get("headers").get("ce_id").asText()).isEqualTo(later);
    assertThat(under(own, "canonical record canonical.products/").get("key").asText()).startsWith("bsale:" + tenant + ":");

    TestPipeline.Run coalesced = trace(ids.earlier());
    assertThat(coalesced.exitCode()).isZero();
    assertThat(under(coalesced, "fetch request ").get("headers").get("ce_id").asText()).isEqualTo(ids.earlier());
    assertThat(coalesced.out()).contains("(coalesced: one fetch answered this and later notifications");
    assertThat(under(coalesced, "canonical record canonical.products/").get("value").get("metadata").get("receiveId").asText())
        .as("linked by the resource's coordinates, not by the id").isEqualTo(later);
  }

  // Fails on main before this change: the trail compared the fetch request's own JSON (which names
  // the office as "scope") with the notification's officeId, so a coalesced stock fetch was "no
  // fetched resource yet".
  @Test
  void aCoalescedStockFetchIsFoundByItsOffice() throws Exception {
    Coalesced ids = coalescedPair(tenant(9), "bsale/stock.put.json", "/v1/stocks.json?variantid=7079&officeid=1");

    assertThat(trace(ids.earlier()).out()).contains("(coalesced: one fetch answered this and later notifications");
  }

  private record Coalesced(String earlier, String later) {}

  /**
   * Posts a notification twice (the second one later), and writes what the fetcher writes when one
   * fetch of {@code path} answers both.
   */
  private static Coalesced coalescedPair(String tenant, String fixture, String path) throws Exception {
    ObjectNode notification = (ObjectNode) RecordJson.JSON.readTree(Files.readAllBytes(Fixtures.root().resolve(fixture)));
    String earlier = post("bsale", tenant, RecordJson.JSON.writeValueAsBytes(notification));
    notification.put("send", notification.get("send").asLong() + 1);
    String later = post("bsale", tenant, RecordJson.JSON.writeValueAsBytes(notification));
    ConsumerRecord<String, byte[]> laterRequest = await(() -> fetchRequest(later), r -> r != null, "the fetch request");
    writeFetchedResource(laterRequest, notification, 1, path);
    return new Coalesced(earlier, later);
  }

  private static ConsumerRecord<String, byte[]> fetchRequest(String id) {
    return TopicRecords.readAll(SharedKafka.broker().bootstrapServers(), Topics.BSALE_FETCH_REQUESTS.name(), true).stream()
        .filter(r -> id.equals(RawRecords.idOf(r.headers()))).findFirst().orElse(null);
  }

  private static void writeFetchedResource(ConsumerRecord<String, byte[]> request, JsonNode notification, int coalesced,
      String path) throws Exception {
    BsaleCatalog.Answer answer = BsaleCatalog.answer(path);
    BsaleResources.Envelope envelope = BsaleResources.Envelope.of(notification, path, answer.status(), Instant.now(),
        BsaleResources.answer(answer.body().getBytes(StandardCharsets.UTF_8)), null,
        Collections.nCopies(coalesced + 1, notification.get("action").asText()), null);
    try (KafkaProducer<String, byte[]> producer = SharedKafka.broker().clients().producer(Topics.RAW_BSALE_RESOURCES, Map.of())) {
      producer.send(BsaleResources.record(Topics.RAW_BSALE_RESOURCES, request.key(), request.headers(), envelope)).get();
    }
  }

}
