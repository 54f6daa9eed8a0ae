package lat.pipeline.normalizer.mapping;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Decimals in the shape the Avro schemas fix: precision 20, scale 4. */
public final class Amounts {

  public static final int SCALE = 4;
  private static final int MAX_INTEGER_DIGITS = 20 - SCALE;

  private Amounts() {}

  /** Rounds half-even to scale 4; null stays null; too large to encode is a "map" failure. */
  public static BigDecimal scaled(BigDecimal value) {
    if (value == null) {
      return null;
    }
    // Checked before setScale, which would expand an absurd exponent into a huge number.
    if (value.precision() - value.scale() > MAX_INTEGER_DIGITS) {
      throw MappingException.map("number " + Json.plainNumber(value) + " has more than " + MAX_INTEGER_DIGITS + " integer digits");
    }
    return value.setScale(SCALE, RoundingMode.HALF_EVEN);
  }

}
