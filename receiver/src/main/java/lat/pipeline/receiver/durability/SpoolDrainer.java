package lat.pipeline.receiver.durability;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves spooled records to Kafka in order, in batches. Records are checkpointed only up to the first
 * one the broker did not take yet; the drainer backs off and sends again from there. A record may so
 * reach Kafka twice (same {@code ce_id}), never zero times. A record the broker refuses for good is
 * moved to the {@link Quarantine} and counted, and the drain goes on behind it.
 */
public final class SpoolDrainer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SpoolDrainer.class);
  private static final int BATCH = 500;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Spool spool;
  private final Producer<String, byte[]> producer;
  private final Duration ackTimeout;
  private final Thread thread;
  private volatile boolean running = true;

  public SpoolDrainer(Spool spool, Producer<String, byte[]> producer, Duration ackTimeout) {
    this.spool = spool;
    this.producer = producer;
    this.ackTimeout = ackTimeout;
    this.thread = new Thread(this::drainLoop, "spool-drainer");
    this.thread.setDaemon(true);
  }

  public SpoolDrainer start() {
    thread.start();
    return this;
  }

  private void drainLoop() {
    long backoffMillis = 200;
    while (running) {
      try {
        Spool.Batch batch = spool.read(BATCH, 200);
        if (batch.entries().isEmpty()) {
          continue;
        }
        int moved = drain(batch.entries());
        spool.commit(batch, moved);
        if (moved == batch.entries().size()) {
          backoffMillis = 200;
        } else {
          spool.rewind();
          Thread.sleep(backoffMillis);
          backoffMillis = Math.min(MAX_BACKOFF.toMillis(), backoffMillis * 2);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        LOG.warn("Draining the spool failed, retrying: {}", e.toString());
        spool.rewind();
        sleepQuietly(backoffMillis);
        backoffMillis = Math.min(MAX_BACKOFF.toMillis(), backoffMillis * 2);
      }
    }
  }

  /**
   * Sends the first record alone and waits for it, so that a broker that is still away fails the
   * batch before the rest is queued; then the rest, stopping at the first record that fails at once.
   * Returns how many records from the start are done: acknowledged, or quarantined because the
   * broker refuses them for good. The next attempt starts at the first record that is not.
   */
  private int drain(List<Spool.Spooled> entries) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + ackTimeout.toNanos() + TimeUnit.SECONDS.toNanos(30);
    List<Future<RecordMetadata>> acks = new ArrayList<>(entries.size());
    for (Spool.Spooled entry : entries) {
      Future<RecordMetadata> ack = send(entry.record());
      acks.add(ack);
      if (acks.size() == 1) {
        Throwable first = outcome(ack, deadline);
        if (retryable(first)) {
          LOG.info("The broker did not take spooled records yet ({}); retrying", first.toString());
          return 0;
        }
      } else if (ack.isDone() && retryable(outcome(ack, deadline))) {
        break;
      }
    }
    int done = 0;
    for (int i = 0; i < acks.size(); i++) {
      Throwable error = outcome(acks.get(i), deadline);
      if (retryable(error)) {
        LOG.info("The broker did not take spooled record {} of {} yet ({}); retrying from there", i + 1, entries.size(), error.toString());
        break;
      }
      if (error != null) {
        ProducerRecord<String, byte[]> record = entries.get(i).record();
        spool.quarantine().keep(record, error);
        LOG.error("The broker refuses a spooled record of tenant {} for {} for good ({}); it is kept in {}",
            record.key(), record.topic(), error.toString(), spool.quarantine().dir());
      }
      done++;
    }
    return done;
  }

  private static boolean retryable(Throwable error) {
    return error != null && !BrokerRefusal.isForGood(error);
  }

  private Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
    try {
      return producer.send(record);
    } catch (RuntimeException notQueued) {
      return CompletableFuture.failedFuture(notQueued);
    }
  }

  /** Null once acknowledged; the error otherwise, a timeout when the deadline passed first. */
  private static Throwable outcome(Future<RecordMetadata> ack, long deadlineNanos) throws InterruptedException {
    try {
      ack.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      return e;
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops now, even mid-batch: records are checkpointed only after the broker's ack, so what was not
   * acknowledged stays in the spool for the next start (and may be sent twice, never lost).
   */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(TimeUnit.SECONDS.toMillis(10));
  }
}
