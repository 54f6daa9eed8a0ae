package lat.pipeline.normalizer.topology;

import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.schemas.Topic;
import lat.pipeline.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;

/** Which canonical topic each entity is written to. */
public final class CanonicalTopics {

  private CanonicalTopics() {}

  public static Topic<String, ? extends SpecificRecord> of(CanonicalEntity entity) {
    return switch (entity) {
      case CUSTOMER -> Topics.CANONICAL_CUSTOMERS;
      case PRODUCT -> Topics.CANONICAL_PRODUCTS;
      case VARIANT -> Topics.CANONICAL_VARIANTS;
      case PRICE -> Topics.CANONICAL_PRICES;
      case STOCK -> Topics.CANONICAL_STOCK;
      case DOCUMENT -> Topics.CANONICAL_DOCUMENTS;
      case EVENT -> Topics.CANONICAL_EVENTS;
    };
  }
}
