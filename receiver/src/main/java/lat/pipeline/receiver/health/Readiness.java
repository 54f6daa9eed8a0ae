package lat.pipeline.receiver.health;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import lat.pipeline.kafka.KafkaAccessException;
import lat.pipeline.receiver.durability.Spool;
import org.apache.kafka.clients.admin.Admin;

/**
 * Whether the receiver can make webhooks durable: the broker answers (checked in the background, so
 * that a probe never waits on Kafka) or the spool can still take them. A load balancer stops sending
 * webhooks to a receiver that can do neither, or whose login Kafka refuses: then no webhook can be
 * stored (each is answered 500), and waiting in the spool would not help.
 */
public final class Readiness implements AutoCloseable {

  private final Admin admin;
  private final Spool spool;
  private final Duration timeout;
  private final AtomicBoolean brokerReachable = new AtomicBoolean(false);
  private final AtomicBoolean topicsReady = new AtomicBoolean(false);
  private final AtomicBoolean brokerRefuses = new AtomicBoolean(false);
  private final ScheduledExecutorService checker =
      Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "readiness-check");
        thread.setDaemon(true);
        return thread;
      });

  public Readiness(Admin admin, Spool spool, Duration timeout) {
    this.admin = admin;
    this.spool = spool;
    this.timeout = timeout;
  }

  public void start(Duration interval) {
    checker.scheduleWithFixedDelay(this::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isReady() {
    return !brokerRefuses.get() && (brokerReachable.get() || spoolWritable());
  }

  /** Whether the broker answers but refuses the receiver's login or TLS trust. */
  public boolean brokerRefuses() {
    return brokerRefuses.get();
  }

  public boolean brokerReachable() {
    return brokerReachable.get();
  }

  public boolean spoolWritable() {
    return spool.lastWriteError() == null;
  }

  /** Whether the raw topics were found or created with their settings; provisioning retries until then. */
  public boolean topicsReady() {
    return topicsReady.get();
  }

  public void topicsProvisioned() {
    topicsReady.set(true);
  }

  public Spool spool() {
    return spool;
  }

  private void check() {
    try {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      brokerReachable.set(true);
      brokerRefuses.set(false);
    } catch (Exception unreachable) {
      brokerReachable.set(false);
      brokerRefuses.set(KafkaAccessException.isAccessFailure(unreachable));
    }
  }

  @Override
  public void close() {
    checker.shutdownNow();
  }
}
