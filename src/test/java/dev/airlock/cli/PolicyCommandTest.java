package dev.airlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void validateAcceptsTheSeedPolicy() throws Exception {
    Path file =
        write(
            "{\"version\":\"1\",\"default\":\"deny\",\"tools\":{\"CancelAHORunBatch\":{\"limits\":[{\"counter\":\"cancelahorunbatch_rate\",\"window\":\"minute\",\"max\":60,\"scope\":\"grant\"}]}}}");
    assertThat(run("validate", file.toString())).isZero();
    assertThat(out.toString()).contains("valid");
  }

  @Test
  void validateRefusesWithPathAndLineAndExitCodeOne() throws Exception {
    Path file =
        write("{\n  \"default\": \"deny\",\n  \"tools\": { \"X\": { \"action\": \"allwo\" } }\n}");
    assertThat(run("validate", file.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("$.tools.X.action (line 3").contains("action must be");
  }

  @Test
  void explainPrintsTheDecisionAndItsRule() throws Exception {
    Path file =
        write(
            "{\"default\":\"deny\",\"tools\":{\"CancelAHORunBatch\":{\"action\":\"allow\",\"rules\":[{\"when\":\"size(args.runIds) > 2\",\"action\":\"require_approval\"}]}}}");
    int code =
        run(
            "explain",
            file.toString(),
            "--upstream",
            "healthomics",
            "--tool",
            "CancelAHORunBatch",
            "--args",
            "{\"runIds\":[\"a\",\"b\",\"c\"]}");
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("\"decision\" : \"require_approval\"")
        .contains("tools.CancelAHORunBatch.rules[0]");
  }

  @Test
  void explainRefusesAnInvalidPolicy() throws Exception {
    Path file = write("{\"default\":\"nope\"}");
    assertThat(run("explain", file.toString(), "--upstream", "u", "--tool", "t")).isEqualTo(1);
  }

  private Path write(String content) throws Exception {
    Path file = dir.resolve("policy.json");
    Files.writeString(file, content);
    return file;
  }

  private int run(String... args) {
    return PolicyCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }
}
