package lat.pipeline.normalizer.topology;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.VariantJoined;
import lat.pipeline.schemas.FetchRequests;
import lat.pipeline.schemas.canonical.Document;
import lat.pipeline.schemas.canonical.DocumentLine;
import lat.pipeline.schemas.canonical.Metadata;
import lat.pipeline.schemas.canonical.Price;
import lat.pipeline.schemas.canonical.ProductVariant;
import lat.pipeline.schemas.canonical.Stock;
import org.apache.avro.specific.SpecificRecord;

/**
 * The join of a provider whose prices, stock and document lines name only a variant (Bsale): the
 * variant table (each variant's last record, by the variant's canonical key {@code
 * {provider}:{tenant}:variant:{id}}) gives each of them its product id and SKU. A record whose
 * variant is not in the table yet is held and its variant fetched; it is completed and emitted
 * when the variant arrives, never emitted with a wrong id.
 */
public final class VariantJoin {

  /** What the table keeps of a variant. */
  public record KnownVariant(String productId, String sku) {

    private static final String SEPARATOR = "\u0000";

    public static KnownVariant of(ProductVariant variant) {
      return new KnownVariant(variant.getProductId(), variant.getSku());
    }

    public String encode() {
      return (productId == null ? "" : productId) + SEPARATOR + (sku == null ? "" : sku);
    }

    public static KnownVariant decode(String text) {
      String[] parts = text.split(SEPARATOR, 2);
      return new KnownVariant(parts[0].isEmpty() ? null : parts[0], parts[1].isEmpty() ? null : parts[1]);
    }

    /** A deleted variant's record may not name its product: keep the one known before. */
    public KnownVariant orElse(KnownVariant earlier) {
      return earlier == null ? this
          : new KnownVariant(productId == null ? earlier.productId : productId, sku == null ? earlier.sku : sku);
    }
  }

  private final BiFunction<RawEvent, String, FetchRequests.Request> fetchVariant;

  private VariantJoin(BiFunction<RawEvent, String, FetchRequests.Request> fetchVariant) {
    this.fetchVariant = fetchVariant;
  }

  /** The join of the mapper's provider; empty for providers whose records name their product. */
  static Optional<VariantJoin> of(ProviderMapper mapper) {
    return mapper instanceof VariantJoined joined ? Optional.of(new VariantJoin(joined::variantFetch)) : Optional.empty();
  }

  /** The fetch of a variant a record of this raw event names. */
  FetchRequests.Request fetch(RawEvent raw, String variantId) {
    return fetchVariant.apply(raw, variantId);
  }

  public static String variantKey(Metadata metadata, String variantId) {
    return metadata.getProvider() + ":" + metadata.getTenant() + ":variant:" + variantId;
  }

  /** The variant keys a record names, in order; none for records that are not joined. */
  static List<String> variantKeys(CanonicalRecord record) {
    Set<String> ids = new LinkedHashSet<>();
    SpecificRecord value = record.value();
    if (value instanceof Price price && price.getVariantId() != null) {
      ids.add(price.getVariantId());
    } else if (value instanceof Stock stock && stock.getVariantId() != null) {
      ids.add(stock.getVariantId());
    } else if (value instanceof Document document) {
      document.getLines().stream().map(DocumentLine::getVariantId).filter(id -> id != null).forEach(ids::add);
    }
    Metadata metadata = LastEmitted.metadataOf(value);
    return ids.stream().map(id -> variantKey(metadata, id)).toList();
  }

  /** The record with each variant's product id and SKU; every variant it names must be known. */
  static CanonicalRecord complete(CanonicalRecord record, Function<String, KnownVariant> table) {
    SpecificRecord value = record.value();
    Metadata metadata = LastEmitted.metadataOf(value);
    SpecificRecord joined;
    if (value instanceof Price price) {
      KnownVariant variant = table.apply(variantKey(metadata, price.getVariantId()));
      joined = Price.newBuilder(price).setProductId(variant.productId() == null ? "" : variant.productId()).build();
    } else if (value instanceof Stock stock) {
      KnownVariant variant = table.apply(variantKey(metadata, stock.getVariantId()));
      joined = Stock.newBuilder(stock).setProductId(variant.productId()).setSku(variant.sku()).build();
    } else if (value instanceof Document document) {
      List<DocumentLine> lines = new ArrayList<>(document.getLines().size());
      for (DocumentLine line : document.getLines()) {
        KnownVariant variant = line.getVariantId() == null ? null : table.apply(variantKey(metadata, line.getVariantId()));
        lines.add(variant == null ? line
            : DocumentLine.newBuilder(line).setProductId(variant.productId()).setSku(variant.sku()).build());
      }
      joined = Document.newBuilder(document).setLines(lines).build();
    } else {
      return record;
    }
    return new CanonicalRecord(record.entity(), record.key(), joined, record.eventId(), record.sourceTime());
  }

  /** The variant a record describes, or null when it is not a variant. */
  static ProductVariant variantOf(CanonicalRecord record) {
    return record.entity() == CanonicalEntity.VARIANT ? (ProductVariant) record.value() : null;
  }

}
