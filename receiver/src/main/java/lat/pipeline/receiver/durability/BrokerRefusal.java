package lat.pipeline.receiver.durability;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Errors that sending the same record again will never clear: the record is too large for the
 * topic or the producer, Kafka refuses the receiver's login or TLS trust or its write on the topic,
 * the topic name or the record is invalid. Everything else (timeouts, a broker away, an unknown
 * topic that provisioning is still creating) is worth retrying from the spool.
 */
public final class BrokerRefusal {

  private BrokerRefusal() {}

  public static boolean isForGood(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof RecordTooLargeException
        || cause instanceof RecordBatchTooLargeException
        || cause instanceof AuthorizationException
        || cause instanceof AuthenticationException
        || cause instanceof InvalidTopicException
        || cause instanceof InvalidRecordException
        || cause instanceof InvalidTimestampException
        || cause instanceof SerializationException;
  }

  /** What a request is answered when its record is refused for good: the broker's reason, no more. */
  public static final class RefusedForGood extends RuntimeException {
    RefusedForGood(Throwable cause) {
      super("The broker refuses this record for good: " + cause.getClass().getSimpleName(), cause);
    }
  }
}
