package lat.pipeline.normalizer.mapping;

/** Which canonical topic a record belongs to. */
public enum CanonicalEntity {
  CUSTOMER,
  PRODUCT,
  VARIANT,
  PRICE,
  STOCK,
  DOCUMENT,
  EVENT
}
