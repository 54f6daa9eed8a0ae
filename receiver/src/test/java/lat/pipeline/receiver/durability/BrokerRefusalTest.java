package lat.pipeline.receiver.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class BrokerRefusalTest {

  // Fails on main before this change: a refused login was retried from the spool forever.
  @Test
  void aRefusedLoginOrCertificateIsForGoodLikeAMissingAcl() {
    assertThat(BrokerRefusal.isForGood(new CompletionException(
        new SaslAuthenticationException("Authentication failed during authentication due to invalid credentials")))).isTrue();
    assertThat(BrokerRefusal.isForGood(new SslAuthenticationException("SSL handshake failed"))).isTrue();
    assertThat(BrokerRefusal.isForGood(new TopicAuthorizationException("Not authorized"))).isTrue();
    assertThat(BrokerRefusal.isForGood(new TimeoutException("Expiring 1 record(s)"))).isFalse();
  }
}
