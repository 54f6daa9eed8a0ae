package lat.pipeline.tools;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Positional arguments, {@code --name value} options and {@code --flag}s, checked against what a command takes. */
public final class CommandLine {

  private final List<String> positionals = new ArrayList<>();
  private final Map<String, String> options = new HashMap<>();
  private final Set<String> flags = new HashSet<>();

  private CommandLine() {}

  /** @throws UsageException on an option the command does not take, or one without its value */
  public static CommandLine parse(String[] args, Set<String> valueOptions, Set<String> flagOptions) {
    CommandLine line = new CommandLine();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        line.positionals.add(arg);
        continue;
      }
      String name = arg.substring(2);
      if (flagOptions.contains(name)) {
        line.flags.add(name);
      } else if (valueOptions.contains(name)) {
        if (i + 1 >= args.length) {
          throw new UsageException(arg + " needs a value");
        }
        line.options.put(name, args[++i]);
      } else {
        throw new UsageException("unknown option " + arg);
      }
    }
    return line;
  }

  /** The only positional argument, named {@code what} in the error when it is missing or not alone. */
  public String single(String what) {
    if (positionals.size() != 1) {
      throw new UsageException(positionals.isEmpty() ? what + " is required" : "expected one " + what + ", got " + positionals);
    }
    return positionals.get(0);
  }

  public Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  public boolean flag(String name) {
    return flags.contains(name);
  }

  /** A command line the command cannot run with: exit code 2 and the usage line. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }
}
