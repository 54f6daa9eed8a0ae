package lat.pipeline.dev;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started as a child process with this JVM's class path, its output in a log file. Stops
 * with SIGTERM (then SIGKILL), and can be frozen with SIGSTOP to simulate a hung peer.
 */
public final class ChildProcess {

  /**
   * JVM options added to every child, space-separated (none by default). The test runs set
   * {@code -XX:TieredStopAtLevel=1}: their brokers, registries and services live for seconds to
   * minutes, too short for the optimizing compiler to repay the CPU it takes on 2 cores.
   */
  public static final String EXTRA_JVM_OPTIONS = "pipeline.child.jvm.options";

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts a main class on this JVM's class path, or a runnable jar when it ends in {@code .jar}. */
  public static ChildProcess startJava(
      String name, List<String> jvmArgs, String mainClassOrJar, List<String> args, Map<String, String> env, Path log)
      throws IOException {
    return startJava(name, jvmArgs, System.getProperty("java.class.path"), mainClassOrJar, args, env, log);
  }

  public static ChildProcess startJava(
      String name,
      List<String> jvmArgs,
      String classPath,
      String mainClassOrJar,
      List<String> args,
      Map<String, String> env,
      Path log)
      throws IOException {
    return start(name, javaCommand(jvmArgs, classPath, mainClassOrJar, args), env, log, null);
  }

  /**
   * Starts a main class as a container would run it: in {@code workingDir}, with no environment but
   * {@code env}, so that nothing it needs can come from the developer's shell or folder.
   */
  public static ChildProcess startJavaIsolated(
      String name, String mainClass, Map<String, String> env, Path workingDir, Path log) throws IOException {
    List<String> command = javaCommand(List.of("-Xmx256m"), System.getProperty("java.class.path"), mainClass, List.of());
    return start(name, command, env, log, workingDir);
  }

  private static List<String> javaCommand(List<String> jvmArgs, String classPath, String mainClassOrJar, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    String extra = System.getProperty(EXTRA_JVM_OPTIONS, "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    if (mainClassOrJar.endsWith(".jar")) {
      command.add("-jar");
    } else {
      command.add("-cp");
      command.add(classPath);
    }
    command.add(mainClassOrJar);
    command.addAll(args);
    return command;
  }

  private static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log, Path workingDir)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (workingDir != null) {
      builder.directory(workingDir.toFile());
      builder.environment().clear();
    }
    builder.environment().putAll(env);
    Process process = builder.start();
    ChildProcess child = new ChildProcess(name, process, log);
    Runtime.getRuntime().addShutdownHook(new Thread(child::kill, name + "-reaper"));
    return child;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /** Waits for the process to end by itself; fails with its log's location when it does not. */
  public void awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
    if (!process.waitFor(timeout, unit)) {
      kill();
      throw new IllegalStateException(name + " did not finish in time; see " + log);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(name + " failed with exit code " + process.exitValue() + "; see " + log);
    }
  }

  /** SIGTERM, then SIGKILL when it has not exited within the grace period. */
  public void stop(long graceSeconds) {
    if (!process.isAlive()) {
      return;
    }
    thaw();
    process.destroy();
    try {
      if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  public void kill() {
    if (process.isAlive()) {
      thaw();
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing, like a hung peer. */
  public void freeze() {
    signal("STOP");
  }

  public void thaw() {
    signal("CONT");
  }

  private void signal(String signal) {
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("Could not send SIG" + signal + " to " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
