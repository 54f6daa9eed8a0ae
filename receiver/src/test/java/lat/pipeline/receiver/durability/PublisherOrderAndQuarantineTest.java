package lat.pipeline.receiver.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import lat.pipeline.receiver.durability.RawEventPublisher.Durability;
import lat.pipeline.schemas.Topics;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherOrderAndQuarantineTest {

  @TempDir Path dir;

  // Fails on main before this change: B was decided while A's send() still waited for metadata, went
  // to Kafka directly, and A (failed at once) went to the spool: B ahead of A.
  @Test
  void aDirectSendThatFailsAtOnceIsNotOvertakenByALaterSendOfTheSameTenant() throws Exception {
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicBoolean inFirstSend = new AtomicBoolean();
    MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
      @Override
      public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
        if (inFirstSend.compareAndSet(false, true)) {
          await(releaseFirst);
          throw new TimeoutException("Topic raw.ninox not present in metadata after 2000 ms.");
        }
        return super.send(record, callback);
      }
    };
    Spool spool = SpoolTest.open(dir, 1 << 24, 1 << 20);
    RawEventPublisher publisher = new RawEventPublisher(producer, spool, Duration.ofSeconds(5));

    CompletableFuture<Durability> a = CompletableFuture.supplyAsync(() -> publisher.publish(webhook("A"))).thenCompose(f -> f);
    awaitTrue(inFirstSend::get);
    AtomicReference<CompletableFuture<Durability>> b = new AtomicReference<>();
    Thread later = new Thread(() -> b.set(publisher.publish(webhook("B"))));
    later.start();
    // B is either waiting for A's send to be settled (the fix) or already through (the defect).
    awaitTrue(() -> b.get() != null || later.getState() == Thread.State.TIMED_WAITING || later.getState() == Thread.State.WAITING);
    releaseFirst.countDown();
    later.join(5_000);

    assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(Durability.SPOOLED);
    assertThat(b.get().get(5, TimeUnit.SECONDS)).isEqualTo(Durability.SPOOLED);
    assertThat(producer.history()).as("nothing of the tenant went ahead directly").isEmpty();
    assertThat(spool.read(10, 0).records()).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("A", "B");
    spool.close();
  }

  // Fails on main before this change: the drainer sent the refused record again and again, and the
  // records behind it never reached Kafka.
  @Test
  void aSpooledRecordTheBrokerRefusesForGoodIsQuarantinedCountedAndTheDrainGoesOn() throws Exception {
    MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
      @Override
      public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
        if (record.value().length > 1_000) {
          return CompletableFuture.failedFuture(new RecordTooLargeException("The request included a message larger than the max message size"));
        }
        return super.send(record, callback);
      }
    };
    Spool spool = SpoolTest.open(dir, 1 << 24, 1 << 20);
    spool.append(SpoolTest.record(0, 100)).get(5, TimeUnit.SECONDS);
    spool.append(SpoolTest.record(1, 5_000)).get(5, TimeUnit.SECONDS);
    spool.append(SpoolTest.record(2, 100)).get(5, TimeUnit.SECONDS);
    try (SpoolDrainer drainer = new SpoolDrainer(spool, producer, Duration.ofSeconds(1)).start()) {
      awaitTrue(() -> producer.history().size() == 2 && spool.depth() == 0);
    }
    assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("tenant-0", "tenant-2");
    assertThat(spool.quarantine().count()).isEqualTo(1);
    assertThat(Quarantine.read(spool.quarantine().records().get(0)).key()).isEqualTo("tenant-1");

    // Once the cause is fixed, the operator re-sends it; it leaves the quarantine.
    MockProducer<String, byte[]> fixed = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    assertThat(spool.quarantine().resend(fixed)).isEqualTo(1);
    assertThat(fixed.history()).extracting(ProducerRecord::key).containsExactly("tenant-1");
    assertThat(spool.quarantine().count()).isZero();
    spool.close();
  }

  private static IncomingWebhook webhook(String body) {
    return new IncomingWebhook(EventIds.next(), Topics.RAW_NINOX, "ninox", "acme", null, "application/json",
        Instant.now(), java.util.Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
