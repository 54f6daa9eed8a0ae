package lat.pipeline.receiver.durability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves spooled records to Kafka in order, in batches: a batch is checkpointed only once the broker
 * acknowledged all of it; otherwise the drainer backs off and sends the same batch again. A record
 * may so reach Kafka twice (same {@code ce_id}), never zero times.
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
        if (batch.records().isEmpty()) {
          continue;
        }
        if (sendAll(batch.records())) {
          spool.commit(batch);
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
   * A batch is never half sent out of order: the retry starts again from its first record.
   */
  private boolean sendAll(List<ProducerRecord<String, byte[]>> records) throws InterruptedException {
    long deadline = System.nanoTime() + ackTimeout.toNanos() + TimeUnit.SECONDS.toNanos(30);
    try {
      awaitAck(producer.send(records.get(0)), deadline);
      List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
      for (ProducerRecord<String, byte[]> record : records.subList(1, records.size())) {
        Future<RecordMetadata> ack = producer.send(record);
        acks.add(ack);
        if (ack.isDone()) {
          ack.get(); // throws when the send failed at once (no metadata, buffer full)
        }
      }
      for (Future<RecordMetadata> ack : acks) {
        awaitAck(ack, deadline);
      }
      return true;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception notAcknowledged) {
      LOG.info("The broker did not take {} spooled records yet ({}); retrying", records.size(), notAcknowledged.toString());
      return false;
    }
  }

  private static void awaitAck(Future<RecordMetadata> ack, long deadlineNanos) throws Exception {
    ack.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops now, even mid-batch: a batch is checkpointed only after the broker's ack, so what was not
   * acknowledged stays in the spool for the next start (and may be sent twice, never lost).
   */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(TimeUnit.SECONDS.toMillis(10));
  }
}
