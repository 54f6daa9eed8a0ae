package lat.pipeline.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The commit never passes a record that is not written yet, in whatever order fetches finish. */
class OffsetTrackerTest {

  private static final TopicPartition PARTITION = new TopicPartition("bsale.fetch-requests", 0);

  @Test
  void aParkedRecordHoldsTheCommitBackWhileLaterOnesFinish() {
    OffsetTracker tracker = new OffsetTracker();
    for (long offset = 10; offset < 15; offset++) {
      tracker.taken(PARTITION, offset);
    }
    tracker.done(PARTITION, 10);
    tracker.done(PARTITION, 12); // 11 is parked
    tracker.done(PARTITION, 13);
    tracker.done(PARTITION, 14);
    assertThat(tracker.committable().get(PARTITION).offset()).isEqualTo(11);
    assertThat(tracker.committable()).isEmpty(); // nothing moved since
    tracker.done(PARTITION, 11);
    assertThat(tracker.committable().get(PARTITION).offset()).isEqualTo(15);
  }

  @Test
  void inAnyCompletionOrderTheCommittedOffsetNeverPassesAnUnfinishedRecord() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      OffsetTracker tracker = new OffsetTracker();
      List<Long> offsets = new ArrayList<>();
      for (long offset = 0; offset < 50; offset++) {
        tracker.taken(PARTITION, offset);
        offsets.add(offset);
      }
      Collections.shuffle(offsets, random);
      List<Long> unfinished = new ArrayList<>(offsets);
      long lastCommitted = 0;
      for (long offset : offsets) {
        tracker.done(PARTITION, offset);
        unfinished.remove(offset);
        var commit = tracker.committable().get(PARTITION);
        if (commit != null) {
          long lowestUnfinished = unfinished.stream().mapToLong(Long::longValue).min().orElse(50);
          assertThat(commit.offset()).isLessThanOrEqualTo(lowestUnfinished).isGreaterThan(lastCommitted - 1);
          lastCommitted = commit.offset();
        }
      }
      assertThat(lastCommitted).isEqualTo(50);
    }
  }

  @Test
  void aRevokedPartitionIsForgottenAndItsLateCompletionsIgnored() {
    OffsetTracker tracker = new OffsetTracker();
    tracker.taken(PARTITION, 5);
    tracker.forget(List.of(PARTITION));
    tracker.done(PARTITION, 5);
    assertThat(tracker.owns(PARTITION)).isFalse();
    assertThat(tracker.committable()).isEmpty();
  }
}
