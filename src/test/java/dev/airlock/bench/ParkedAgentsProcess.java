package dev.airlock.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** The harness's side of {@link ParkedAgents}: starts the process and exchanges its lines. */
final class ParkedAgentsProcess implements AutoCloseable {

  private final Process process;
  private final Writer commands;
  private final BlockingQueue<String> replies = new ArrayBlockingQueue<>(64);

  private ParkedAgentsProcess(Process process) {
    this.process = process;
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
            "parked-agents-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts the agents with a fixed 1 GiB heap (their 10,000 streams need about 160 MiB), so that G1
   * does not resize it under them.
   */
  static ParkedAgentsProcess start(
      String gateway, int parked, int sessions, int openConcurrency, int parkSeconds)
      throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        List.of(
            java.toString(),
            "-Xms1g",
            "-Xmx1g",
            "-cp",
            System.getProperty("java.class.path"),
            ParkedAgents.class.getName(),
            gateway,
            Integer.toString(parked),
            Integer.toString(sessions),
            Integer.toString(openConcurrency),
            Integer.toString(parkSeconds));
    return new ParkedAgentsProcess(
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  /** What the agents report once they have parked. */
  record Parked(long requested, long streams, long notHeld, double seconds) {}

  /** Calls answered with the upstream's result, and calls still waiting. */
  record Answered(long withResult, long stillOpen) {}

  /** Waits (at most {@code seconds}) for the agents to have parked their calls. */
  Parked parked(long seconds) throws Exception {
    String[] line = expect("parked", seconds).split(" ");
    return new Parked(
        Long.parseLong(line[1]),
        Long.parseLong(line[2]),
        Long.parseLong(line[3]),
        Double.parseDouble(line[4]));
  }

  /** How many calls have no answer yet. */
  long open() throws Exception {
    send("open");
    return Long.parseLong(expect("open", 60).split(" ")[1]);
  }

  /** Waits (at most {@code seconds}) until every call is answered. */
  Answered awaitAnswered(int seconds) throws Exception {
    send("await " + seconds);
    String[] line = expect("answered", seconds + 60L).split(" ");
    return new Answered(Long.parseLong(line[1]), Long.parseLong(line[2]));
  }

  private void send(String command) throws Exception {
    commands.write(command + "\n");
    commands.flush();
  }

  /** The next reply, which must start with {@code word}; waits at most {@code seconds}. */
  private String expect(String word, long seconds) throws Exception {
    String line = replies.poll(seconds, TimeUnit.SECONDS);
    if (line == null || !line.startsWith(word + " ")) {
      throw new IllegalStateException(
          "agents: expected '" + word + " …' within " + seconds + " s, got " + line);
    }
    return line;
  }

  @Override
  public void close() throws Exception {
    commands.close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
