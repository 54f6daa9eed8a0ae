package lat.pipeline.console.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PagesTest {

  private static final TopicPartition A = new TopicPartition("canonical.stock", 0);
  private static final TopicPartition B = new TopicPartition("canonical.stock", 1);

  @Test
  void aNextPageStartsWhereTheLinkSaysAndPartitionsItOmitsWereReadToTheirEnd() {
    Map<TopicPartition, Long> start = new LinkedHashMap<>(Map.of(A, 10L, B, 20L));
    Map<TopicPartition, Long> stop = Map.of(A, 100L, B, 200L);

    Map<TopicPartition, Long> resumed = Pages.resume(Pages.format(Map.of(A, 42L)) + ",other.topic:3:7", start, stop);

    assertThat(resumed).isEqualTo(Map.of(A, 42L, B, 200L));
  }

  @Test
  void aLinkCannotMoveAPageBeforeItsStart() {
    Map<TopicPartition, Long> start = Map.of(A, 10L);

    assertThat(Pages.resume("canonical.stock:0:3", start, Map.of(A, 100L))).isEqualTo(Map.of(A, 10L));
    assertThatThrownBy(() -> Pages.resume("nonsense", start, Map.of(A, 100L))).isInstanceOf(IllegalArgumentException.class);
  }
}
