package dev.airlock.bench;

import java.util.List;

/** The harness's side of {@link ParkedAgents}: starts the process and exchanges its lines. */
final class ParkedAgentsProcess implements AutoCloseable {

  private final LineProcess process;

  private ParkedAgentsProcess(LineProcess process) {
    this.process = process;
  }

  /**
   * Starts the agents with a fixed 1 GiB heap (their 10,000 streams need about 160 MiB), so that G1
   * does not resize it under them.
   */
  static ParkedAgentsProcess start(
      String gateway, int parked, int sessions, int openConcurrency, int parkSeconds)
      throws Exception {
    return new ParkedAgentsProcess(
        LineProcess.start(
            "1g",
            ParkedAgents.class,
            List.of(
                gateway,
                Integer.toString(parked),
                Integer.toString(sessions),
                Integer.toString(openConcurrency),
                Integer.toString(parkSeconds))));
  }

  /** What the agents report once they have parked. */
  record Parked(long requested, long streams, long notHeld, double seconds) {}

  /** Calls answered with the upstream's result, and calls still waiting. */
  record Answered(long withResult, long stillOpen) {}

  /** Waits (at most {@code seconds}) for the agents to have parked their calls. */
  Parked parked(long seconds) throws Exception {
    String[] line = process.expect("parked", seconds).split(" ");
    return new Parked(
        Long.parseLong(line[1]),
        Long.parseLong(line[2]),
        Long.parseLong(line[3]),
        Double.parseDouble(line[4]));
  }

  /** How many calls have no answer yet. */
  long open() throws Exception {
    process.send("open");
    return Long.parseLong(process.expect("open", 60).split(" ")[1]);
  }

  /** Waits (at most {@code seconds}) until every call is answered. */
  Answered awaitAnswered(int seconds) throws Exception {
    process.send("await " + seconds);
    String[] line = process.expect("answered", seconds + 60L).split(" ");
    return new Answered(Long.parseLong(line[1]), Long.parseLong(line[2]));
  }

  @Override
  public void close() throws Exception {
    process.close();
  }
}
