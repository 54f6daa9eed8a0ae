package lat.pipeline.tools;

/** Apicurio's client warns through java.util.logging about its shared Vert.x instance, which is what a short command wants. */
final class Quiet {
  // Held: java.util.logging keeps loggers only weakly, and a collected one forgets its level.
  private static final java.util.logging.Logger APICURIO = java.util.logging.Logger.getLogger("io.apicurio.registry.client");

  private Quiet() {}

  static void apicurioClient() {
    APICURIO.setLevel(java.util.logging.Level.SEVERE);
  }
}
