package lat.pipeline.receiver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

  private final ClientAddress behindIngress = new ClientAddress(List.of("10.0.0.0/8", "fd00::/8"));

  @Test
  void forwardedForIsIgnoredUnlessTheConnectionComesFromATrustedProxy() {
    assertThat(behindIngress.resolve("203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
    assertThat(new ClientAddress(List.of()).resolve("10.1.2.3", "198.51.100.1")).isEqualTo("10.1.2.3");
  }

  @Test
  void theRightmostUntrustedHopIsTheClientWhateverItPutToTheLeft() {
    assertThat(behindIngress.resolve("10.1.2.3", "198.51.100.1")).isEqualTo("198.51.100.1");
    assertThat(behindIngress.resolve("10.1.2.3", "1.1.1.1, 198.51.100.1, 10.9.9.9")).isEqualTo("198.51.100.1");
    assertThat(behindIngress.resolve("fd00::1", "2001:db8::7")).isEqualTo("2001:db8::7");
  }

  @Test
  void aHopThatIsNotAnAddressFallsBackToTheConnection() {
    assertThat(behindIngress.resolve("10.1.2.3", "evil.example.com")).isEqualTo("10.1.2.3");
    assertThat(behindIngress.resolve("10.1.2.3", "")).isEqualTo("10.1.2.3");
  }

  @Test
  void aBadBlockIsRefusedAtStartUp() {
    assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ClientAddress(List.of("proxy.internal"))).isInstanceOf(IllegalArgumentException.class);
  }
}
