package dev.airlock.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The policy engine stays plain Java: no framework type may creep into dev.airlock.policy. */
class EngineIsFrameworkFreeTest {

  private static final List<String> FORBIDDEN =
      List.of(
          "import jakarta.",
          "import io.quarkus.",
          "import io.vertx.",
          "import org.eclipse.microprofile.",
          "import io.smallrye.");

  @Test
  void noFrameworkImportsInTheEnginePackage() throws Exception {
    Path engine = Path.of("src/main/java/dev/airlock/policy");
    try (Stream<Path> files = Files.list(engine)) {
      List<Path> sources = files.filter(p -> p.toString().endsWith(".java")).toList();
      assertThat(sources).hasSizeGreaterThan(5);
      for (Path source : sources) {
        for (String line : Files.readAllLines(source)) {
          assertThat(FORBIDDEN)
              .as("%s: %s", source.getFileName(), line)
              .noneMatch(line::startsWith);
        }
      }
    }
  }
}
