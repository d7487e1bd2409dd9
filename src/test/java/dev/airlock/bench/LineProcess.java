package dev.airlock.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the harness starts for a part that runs elsewhere in service (the agents, the upstream,
 * PostgreSQL and the Kafka broker), driven one line at a time over its standard input and output.
 * End of input ends it.
 */
final class LineProcess implements AutoCloseable {

  // The child's replies go to the standard output it started with, even after
  // divertOtherOutput().
  private static final PrintStream REPLIES = System.out;

  private final Process process;
  private final String name;
  private final Writer commands;
  private final BlockingQueue<String> replies = new ArrayBlockingQueue<>(64);

  private LineProcess(Process process, String name) {
    this.process = process;
    this.name = name;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  replies.offer(line);
                }
              } catch (IOException ended) {
                // The process ended; expect() reports the missing reply.
              }
            },
            name + "-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code main} on the harness's class path with a fixed heap ({@code -Xms} = {@code
   * -Xmx}), so that G1 does not resize it while it is measured against.
   */
  static LineProcess start(String heap, Class<?> main, List<String> args) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-Xms" + heap);
    command.add("-Xmx" + heap);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new LineProcess(process, main.getSimpleName());
  }

  void send(String command) throws IOException {
    commands.write(command + "\n");
    commands.flush();
  }

  /** The next reply, which must start with {@code word}; waits at most {@code seconds}. */
  String expect(String word, long seconds) throws InterruptedException {
    String line = replies.poll(seconds, TimeUnit.SECONDS);
    if (line == null || !line.startsWith(word + " ")) {
      throw new IllegalStateException(
          name + ": expected '" + word + " …' within " + seconds + " s, got " + line);
    }
    return line;
  }

  /** The child's side: one reply line, flushed at once. */
  static void reply(String line) {
    REPLIES.println(line);
    REPLIES.flush();
  }

  /** The child's side: what it answers to one command, or null for a command it does not know. */
  @FunctionalInterface
  interface Commands {
    String answer(String command) throws Exception;
  }

  /**
   * The child's side: answers each line of its standard input with one reply line until the input
   * ends (the harness's {@link #close()}).
   */
  static void serve(Commands commands) throws Exception {
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String command = lines.readLine(); command != null; command = lines.readLine()) {
      String answer = commands.answer(command);
      reply(answer != null ? answer : "error unknown command: " + command);
    }
  }

  /**
   * The child's side: whatever else it prints to standard output (a library's log lines) goes to
   * standard error from now on, so that it cannot be taken for a reply.
   */
  static void divertOtherOutput() {
    System.setOut(System.err);
  }

  @Override
  public void close() throws Exception {
    commands.close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
