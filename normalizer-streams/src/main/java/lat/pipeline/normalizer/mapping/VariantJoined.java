package lat.pipeline.normalizer.mapping;

import lat.pipeline.schemas.FetchRequests;

/**
 * A mapper whose prices, stock and document lines name only a variant (Bsale's): the topology
 * completes them from the variant table, and fetches a variant it does not know yet with this.
 */
public interface VariantJoined {

  /** The fetch of a variant that a record of {@code raw} names. */
  FetchRequests.Request variantFetch(RawEvent raw, String variantId);
}
