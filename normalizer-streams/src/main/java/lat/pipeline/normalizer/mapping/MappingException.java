package lat.pipeline.normalizer.mapping;

/** Thrown inside a mapper and turned into {@link MappingResult.Failed} by {@link MappingGuard}. */
public final class MappingException extends RuntimeException {

  private final String step;

  private MappingException(String step, String reason) {
    super(reason, null, false, false);
    this.step = step;
  }

  public static MappingException parse(String reason) {
    return new MappingException(MappingResult.Failed.PARSE, reason);
  }

  public static MappingException map(String reason) {
    return new MappingException(MappingResult.Failed.MAP, reason);
  }

  public String step() {
    return step;
  }
}
