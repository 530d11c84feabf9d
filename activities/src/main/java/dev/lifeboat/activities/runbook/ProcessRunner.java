package dev.lifeboat.activities.runbook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program from an argv list, never through a shell, with only the allowed environment
 * variables, and captures what it prints (stdout and stderr together, the first bytes kept).
 */
final class ProcessRunner {

  /** Bytes of output kept; the activity result cuts it further. */
  static final int KEEP_BYTES = 64 * 1024;

  /** What a finished program did. */
  record Outcome(int exitCode, String output) {}

  private final Map<String, String> environment;

  ProcessRunner(Map<String, String> environment) {
    this.environment = environment;
  }

  /**
   * Runs the program and waits for it.
   *
   * @param argv the program and its arguments, one entry each
   * @param allowed names of this worker's environment variables the program may see
   * @param workdir the working directory, or null for the worker's
   * @param timeoutSeconds the program and its children are killed after this long
   */
  Outcome run(List<String> argv, List<String> allowed, String workdir, long timeoutSeconds)
      throws IOException, InterruptedException, InvalidStepException {
    List<String> command = new java.util.ArrayList<>(argv);
    command.set(0, locate(argv.get(0)));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    for (String name : allowed) {
      String value = environment.get(name);
      if (value != null) {
        builder.environment().put(name, value);
      }
    }
    if (workdir != null) {
      Path dir = Path.of(workdir);
      if (!Files.isDirectory(dir)) {
        throw new InvalidStepException(
            "working directory " + dir.toAbsolutePath() + " does not exist on this worker");
      }
      builder.directory(dir.toFile());
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new InvalidStepException(
          "cannot start '" + argv.get(0) + "' on this worker: " + e.getMessage());
    }
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> drain(process.getInputStream(), captured), "step-output");
    reader.setDaemon(true);
    reader.start();
    boolean finished = process.waitFor(Math.max(1, timeoutSeconds), TimeUnit.SECONDS);
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    reader.join(TimeUnit.SECONDS.toMillis(5));
    String output;
    synchronized (captured) {
      output = captured.toString(StandardCharsets.UTF_8);
    }
    if (!finished) {
      throw new IOException(
          argv.get(0)
              + " did not finish within "
              + timeoutSeconds
              + "s and was killed; output: "
              + tail(output));
    }
    return new Outcome(process.exitValue(), output);
  }

  /**
   * Finds a bare program name on the PATH of the environment this runner was given (not the JVM's
   * own), so a worker's configured PATH, or a test's fake tool, decides which program runs.
   */
  private String locate(String program) {
    if (program.contains("/")) {
      return program;
    }
    String path = environment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return program;
  }

  private static void drain(InputStream in, ByteArrayOutputStream out) {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (out) {
          if (out.size() < KEEP_BYTES) {
            out.write(buffer, 0, Math.min(n, KEEP_BYTES - out.size()));
          }
        }
      }
    } catch (IOException e) {
      // The process ended or was killed; what was read so far is the output.
    }
  }

  static String tail(String output) {
    String text = output.strip();
    return text.length() <= 500 ? text : "..." + text.substring(text.length() - 500);
  }
}
