package dev.airlock.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.policy.Decision;
import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.PolicyError;
import dev.airlock.policy.PolicyParseResult;
import dev.airlock.policy.PolicyParser;
import dev.airlock.policy.PolicyRequest;
import dev.airlock.policy.live.DecisionJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quarkus-run.jar policy validate FILE} and {@code policy explain FILE ...}: the same parser
 * and engine as the gateway, offline, without starting anything.
 */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Check or try a policy.json offline.",
    subcommands = {PolicyCommand.Validate.class, PolicyCommand.Explain.class})
public final class PolicyCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Exit codes: 0 valid / decided, 1 invalid policy, 2 usage error. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine line = new CommandLine(new PolicyCommand());
    line.setOut(out);
    line.setErr(err);
    return line.execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  static PolicyParseResult load(Path file, PrintWriter err) {
    try {
      return PolicyParser.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      err.println(file + ": cannot read: " + e.getMessage());
      return null;
    }
  }

  static void printErrors(Path file, PolicyParseResult.Invalid invalid, PrintWriter err) {
    for (PolicyError error : invalid.errors()) {
      err.println(file + ": " + error);
    }
    err.println(invalid.errors().size() + " error(s); the policy is not valid");
  }

  @Command(name = "validate", description = "Check a policy file; exit 0 when valid, 1 when not.")
  static final class Validate implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    Path file;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      PolicyParseResult result = load(file, err);
      if (result == null) {
        return 1;
      }
      if (result instanceof PolicyParseResult.Invalid invalid) {
        printErrors(file, invalid, err);
        return 1;
      }
      out.println(
          file + ": valid (version " + ((PolicyParseResult.Valid) result).policy().hash() + ")");
      return 0;
    }
  }

  @Command(
      name = "explain",
      description = "Show the decision and the rule that makes it for one call.")
  static final class Explain implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--upstream", required = true)
    String upstream;

    @Option(names = "--tool", required = true)
    String tool;

    @Option(names = "--agent", defaultValue = "anonymous")
    String agent;

    @Option(names = "--args", defaultValue = "{}", description = "the call's arguments as JSON")
    String arguments;

    @Option(names = "--annotations", description = "the tool's MCP annotations as JSON")
    String annotations;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      PolicyParseResult result = load(file, err);
      if (result == null) {
        return 1;
      }
      if (result instanceof PolicyParseResult.Invalid invalid) {
        printErrors(file, invalid, err);
        return 1;
      }
      JsonNode args;
      JsonNode hints;
      try {
        args = JSON.readTree(arguments);
        hints = annotations == null ? null : JSON.readTree(annotations);
      } catch (JsonProcessingException e) {
        err.println("--args and --annotations must be JSON: " + e.getOriginalMessage());
        return 2;
      }
      Decision decision =
          new PolicyEngine(((PolicyParseResult.Valid) result).policy())
              .decide(new PolicyRequest(agent, null, null, upstream, tool, args, hints));
      out.println(
          JSON.writerWithDefaultPrettyPrinter()
              .writeValueAsString(DecisionJson.write(decision, JSON)));
      return 0;
    }
  }
}
