package dev.airlock.cli;

/**
 * {@code policy validate FILE} and {@code policy explain ...}, offline. Filled by the policy work.
 */
public final class PolicyCommand {

  private PolicyCommand() {}

  public static int run(String... args) {
    System.err.println("usage: policy validate FILE | policy explain ...");
    return 2;
  }
}
