package lat.pipeline.normalizer.mapping;

import java.util.List;
import java.util.function.Supplier;

/** Runs a mapper body so that nothing escapes it as an exception. */
public final class MappingGuard {

  private static final int MAX_REASON_LENGTH = 300;

  private MappingGuard() {}

  public static MappingResult run(Supplier<List<CanonicalRecord>> mapping) {
    try {
      return new MappingResult.Mapped(mapping.get());
    } catch (MappingException e) {
      return new MappingResult.Failed(e.step(), shorten(e.getMessage()));
    } catch (RuntimeException e) {
      return new MappingResult.Failed(
          MappingResult.Failed.MAP, shorten("unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage()));
    } catch (StackOverflowError e) {
      // Jackson caps nesting depth, so this is a last resort rather than an expected path.
      return new MappingResult.Failed(MappingResult.Failed.MAP, "JSON nested too deeply");
    }
  }

  private static String shorten(String reason) {
    String text = reason == null ? "no reason given" : reason;
    return text.length() <= MAX_REASON_LENGTH ? text : text.substring(0, MAX_REASON_LENGTH) + "...";
  }
}
