package lat.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

  @Test
  void unsetOrBlankVariablesTakeTheirDocumentedDefaults() {
    Env env = new Env(Map.of("BLANK", "  "));
    assertThat(env.integer("MISSING", 8080, 0, 65_535)).isEqualTo(8080);
    assertThat(env.string("BLANK", "fallback")).isEqualTo("fallback");
    assertThat(env.millis("MISSING", 2_000, 100)).isEqualTo(Duration.ofSeconds(2));
    assertThat(env.list("MISSING")).isEmpty();
  }

  @Test
  void aBadValueFailsFastNamingTheVariable() {
    Env env = new Env(Map.of("PORT", "eighty", "SMALL", "5", "FLAG", "maybe"));
    assertThatThrownBy(() -> env.integer("PORT", 1, 0, 10)).isInstanceOf(Env.ConfigException.class).hasMessageContaining("PORT");
    assertThatThrownBy(() -> env.millis("SMALL", 1_000, 100)).hasMessageContaining("SMALL must be at least 100");
    assertThatThrownBy(() -> env.flag("FLAG", true)).hasMessageContaining("FLAG");
  }

  @Test
  void listsAreCommaSeparatedAndTrimmed() {
    assertThat(new Env(Map.of("L", " 10.0.0.0/8 , ,fd00::/8")).list("L")).containsExactly("10.0.0.0/8", "fd00::/8");
  }
}
