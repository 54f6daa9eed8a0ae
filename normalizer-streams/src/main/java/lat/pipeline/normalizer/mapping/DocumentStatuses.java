package lat.pipeline.normalizer.mapping;

import java.util.Locale;
import java.util.Map;
import lat.pipeline.schemas.canonical.DocumentStatus;

/** A provider's document status in the canonical vocabulary, by one table per provider. */
public final class DocumentStatuses {

  private DocumentStatuses() {}

  /** @param table lower-case provider statuses; anything not in it (or no status) is UNKNOWN */
  public static DocumentStatus of(String status, Map<String, DocumentStatus> table) {
    return status == null ? DocumentStatus.UNKNOWN
        : table.getOrDefault(status.trim().toLowerCase(Locale.ROOT), DocumentStatus.UNKNOWN);
  }
}
