package dev.airlock.bench;

/** The upstream a parked-calls harness measures against: where it listens, what reached it. */
interface HeldCallsUpstream extends AutoCloseable {

  /** Its MCP endpoint. */
  String url();

  /** How many calls of the held tool reached it so far. */
  long heldCalls() throws Exception;
}
