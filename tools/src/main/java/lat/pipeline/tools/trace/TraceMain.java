package lat.pipeline.tools.trace;

import lat.pipeline.tools.Command;

/** {@code ./pipeline trace}: see {@link Trace}. */
public final class TraceMain {

  private TraceMain() {}

  public static void main(String[] args) {
    Command.main(args, Trace.USAGE, arguments -> new Trace(Trace.Options.parse(arguments)));
  }
}
