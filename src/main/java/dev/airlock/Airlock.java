package dev.airlock;

import dev.airlock.cli.PolicyCommand;
import dev.airlock.embedded.LocalRun;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;

/**
 * Entry point of {@code quarkus-run.jar}.
 *
 * <ul>
 *   <li>no argument: the gateway, configured for external Kafka and PostgreSQL (production);
 *   <li>{@code local}: the gateway on its embedded default (real PostgreSQL, real Kafka, demo
 *       upstream), for trying Airlock on one machine;
 *   <li>{@code policy validate|explain ...}: offline policy tools; nothing is started.
 * </ul>
 */
@QuarkusMain
public final class Airlock {

  private Airlock() {}

  public static void main(String... args) {
    if (args.length > 0 && args[0].equals("policy")) {
      System.exit(PolicyCommand.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length > 0 && args[0].equals("local")) {
      LocalRun.prepare();
      Quarkus.run(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Quarkus.run(args);
  }
}
