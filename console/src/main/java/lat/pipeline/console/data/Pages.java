package lat.pipeline.console.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import lat.pipeline.tools.TopicScan;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One page of a topic's records that match, read from given offsets: reading stops once the page
 * is full, and only what a page shows is kept (each match is turned into its row as it is read).
 * Where the next page starts is said per partition, as text for a link.
 */
public final class Pages {

  /** A page's rows, and where the next page starts (null: this was the last). */
  public record Page<T>(List<T> rows, String next) {}

  private Pages() {}

  /**
   * @param toRow a match's row, or null when the record does not match
   */
  public static <T> Page<T> read(TopicScan scan, Map<TopicPartition, Long> start, Map<TopicPartition, Long> stop, int size,
      Function<ConsumerRecord<String, byte[]>, T> toRow) {
    List<T> rows = new ArrayList<>();
    Map<TopicPartition, Long> next = new LinkedHashMap<>(start);
    scan.read(start, stop, new TopicScan.Handler() {
      @Override
      public void accept(ConsumerRecord<String, byte[]> record) {
        if (rows.size() >= size) {
          return;
        }
        T row = toRow.apply(record);
        if (row != null) {
          rows.add(row);
        }
        next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
      }

      @Override
      public boolean afterPoll() {
        return rows.size() < size;
      }
    });
    if (rows.size() < size) {
      return new Page<>(rows, null);
    }
    // Partitions read to their stop need no more reading.
    next.entrySet().removeIf(entry -> entry.getValue() >= stop.get(entry.getKey()));
    return new Page<>(rows, next.isEmpty() ? null : format(next));
  }

  /** {@code topic:partition:offset,...} */
  static String format(Map<TopicPartition, Long> offsets) {
    StringBuilder text = new StringBuilder();
    offsets.forEach((partition, offset) -> {
      if (!text.isEmpty()) {
        text.append(',');
      }
      text.append(partition.topic()).append(':').append(partition.partition()).append(':').append(offset);
    });
    return text.toString();
  }

  /**
   * The offsets a link gave, for the partitions of {@code start} only (anything else in the text is
   * ignored); partitions it does not name were read to their end.
   */
  public static Map<TopicPartition, Long> resume(String text, Map<TopicPartition, Long> start, Map<TopicPartition, Long> stop) {
    if (text == null || text.isBlank()) {
      return start;
    }
    Map<TopicPartition, Long> given = new HashMap<>();
    for (String part : text.split(",")) {
      int last = part.lastIndexOf(':');
      int middle = part.lastIndexOf(':', last - 1);
      try {
        given.put(new TopicPartition(part.substring(0, middle), Integer.parseInt(part.substring(middle + 1, last))),
            Long.parseLong(part.substring(last + 1)));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not a page position: " + part);
      }
    }
    Map<TopicPartition, Long> resumed = new LinkedHashMap<>();
    start.forEach((partition, offset) -> resumed.put(partition, Math.max(offset, given.getOrDefault(partition, stop.get(partition)))));
    return resumed;
  }
}
