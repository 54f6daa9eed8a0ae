package lat.pipeline.kafka;

import java.util.Set;
import java.util.concurrent.TimeoutException;
import lat.pipeline.config.KafkaSecurity;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * Kafka refused this service: its credentials, its TLS trust, or an ACL. Permanent: retrying with
 * the same settings cannot succeed. The message names the setting or the resource to fix and
 * never a secret (Kafka's own messages, which are kept, carry none either).
 */
public final class KafkaAccessException extends RuntimeException {

  private KafkaAccessException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The ACLs do not allow {@code operation} on {@code topics}. */
  static KafkaAccessException denied(KafkaClients clients, AclOperation operation, Set<String> topics) {
    return new KafkaAccessException("Kafka does not authorize " + principal(clients.security()) + " to " + operation
        + " topic(s) " + topics + ": grant the ACLs the service needs on them", null);
  }

  /** Whether {@code failure}, or one of its causes, is Kafka refusing authentication or authorization. */
  public static boolean isAccessFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AuthenticationException || t instanceof AuthorizationException || t instanceof KafkaAccessException) {
        return true;
      }
    }
    return false;
  }

  /** {@code failure} as {@link #explain} tells it when it is Kafka refusing access; as it is otherwise. */
  public static RuntimeException explainIfRefused(RuntimeException failure, KafkaClients clients) {
    return isAccessFailure(failure) ? explain(failure, clients) : failure;
  }

  /** The clearest account of {@code failure} for these clients; other failures are wrapped as they are. */
  public static RuntimeException explain(Throwable failure, KafkaClients clients) {
    KafkaSecurity security = clients.security();
    String user = principal(security);
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof KafkaAccessException access) {
        return access;
      }
      if (t instanceof SslAuthenticationException) {
        return new KafkaAccessException("The TLS handshake with Kafka at " + clients.bootstrapServers() + " failed ("
            + rootMessage(t) + "): check " + security.trustSettings() + " and " + KafkaSecurity.ENDPOINT_IDENTIFICATION, t);
      }
      if (t instanceof AuthenticationException) {
        return new KafkaAccessException("Kafka at " + clients.bootstrapServers() + " refused the " + security.saslMechanism()
            + " login of " + user + " (" + t.getMessage() + "): check " + security.credentialSettings(), t);
      }
      if (t instanceof TopicAuthorizationException denied && !denied.unauthorizedTopics().isEmpty()) {
        return new KafkaAccessException("Kafka does not authorize " + user + " for topic(s) " + denied.unauthorizedTopics()
            + ": grant the ACLs the service needs on them", t);
      }
      if (t instanceof GroupAuthorizationException denied) {
        return new KafkaAccessException("Kafka does not authorize " + user + " for consumer group '" + denied.groupId()
            + "': grant READ on it", t);
      }
      if (t instanceof TransactionalIdAuthorizationException) {
        return new KafkaAccessException("Kafka does not authorize " + user + " for its transactional id ("
            + t.getMessage() + "): grant WRITE and DESCRIBE on it", t);
      }
      if (t instanceof AuthorizationException) {
        return new KafkaAccessException("Kafka does not authorize " + user + ": " + t.getMessage(), t);
      }
    }
    if (failure instanceof TimeoutException || failure.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new IllegalStateException("Kafka at " + clients.bootstrapServers() + " did not answer: check KAFKA_BOOTSTRAP_SERVERS and "
          + KafkaSecurity.PROTOCOL + " (" + security.protocol().name + ")", failure);
    }
    return new IllegalStateException("Kafka at " + clients.bootstrapServers() + " failed: " + failure.getMessage(), failure);
  }

  private static String principal(KafkaSecurity security) {
    return security.saslUsername() == null ? "this service" : "user '" + security.saslUsername() + "'";
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
