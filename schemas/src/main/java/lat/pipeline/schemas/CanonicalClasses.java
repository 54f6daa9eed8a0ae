package lat.pipeline.schemas;

import lat.pipeline.schemas.canonical.Metadata;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12.1+ refuses to load classes it does not trust, and by default it trusts none of the
 * generated ones: builders then fail on array defaults and specific readers on every record. This
 * adds the canonical package to whatever is trusted already (including the
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} system property).
 */
public final class CanonicalClasses {

  private static final String PACKAGE = Metadata.class.getPackageName();
  private static boolean trusted;

  private CanonicalClasses() {}

  public static synchronized void trust() {
    if (trusted) {
      return;
    }
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            ClassSecurityValidator.getGlobal(), type -> type.getPackageName().equals(PACKAGE)));
    trusted = true;
  }
}
