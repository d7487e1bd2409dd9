package dev.airlock.configdoc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists every configuration key the code reads, so it cannot drift. */
class ConfigurationDocTest {

  @Test
  void everyKeyIsDocumented() throws Exception {
    String doc = Files.readString(Path.of("docs/configuration.md"));
    List<String> missing =
        ConfigurationKeys.all().stream().filter(key -> !doc.contains("`" + key + "`")).toList();
    assertThat(missing).as("keys missing from docs/configuration.md").isEmpty();
  }
}
