package lat.pipeline.tools.tail;

import lat.pipeline.tools.Command;

/** {@code ./pipeline tail}: see {@link Tail}. */
public final class TailMain {

  private TailMain() {}

  public static void main(String[] args) {
    Command.main(args, Tail.USAGE, arguments -> new Tail(Tail.Options.parse(arguments)));
  }
}
