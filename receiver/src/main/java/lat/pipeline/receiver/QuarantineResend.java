package lat.pipeline.receiver;

import lat.pipeline.config.Env;
import lat.pipeline.receiver.durability.Quarantine;
import lat.pipeline.receiver.durability.RawEventPublisher;
import org.apache.kafka.clients.producer.Producer;

/**
 * Sends the records in the spool's quarantine again, once the cause (a topic's max.message.bytes,
 * an ACL) is fixed: run with the receiver's environment, e.g. in its container. Records the broker
 * takes are deleted from the quarantine; those it refuses again stay, with the new reason.
 */
public final class QuarantineResend {

  private QuarantineResend() {}

  public static void main(String[] args) throws Exception {
    ReceiverConfig config = ReceiverConfig.fromEnv(Env.system());
    Quarantine quarantine = new Quarantine(config.spoolDir().resolve(Quarantine.DIRECTORY));
    try (Producer<String, byte[]> producer = RawEventPublisher.createProducer(
        config.kafkaClients(), config.ackTimeout(), config.maxRecordBytes())) {
      int before = quarantine.records().size();
      int sent = quarantine.resend(producer);
      System.out.printf("Re-sent %d of %d quarantined records; %d remain in %s%n", sent, before, before - sent, quarantine.dir());
    }
  }
}
