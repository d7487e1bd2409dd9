package dev.airlock.policy.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.airlock.policy.Decision;
import dev.airlock.policy.PolicyRequest;
import dev.airlock.testing.EmbeddedServices;
import dev.airlock.testing.Rows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PolicyReloadTest {

  @Inject ActivePolicy policy;
  @Inject AgroalDataSource dataSource;

  private final String original = read();

  @AfterEach
  void restore() throws Exception {
    Files.writeString(EmbeddedServices.TEST_POLICY, original);
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> policy.snapshot().document().equals(original));
  }

  @Test
  void aValidChangeAppliesWithinTwoSecondsWithoutRestart() throws Exception {
    // Given
    assertThat(decide("Brand_New_Tool")).isInstanceOf(Decision.Allow.class);
    Timestamp since = Timestamp.from(Instant.now());

    // When
    Files.writeString(
        EmbeddedServices.TEST_POLICY,
        "{\"default\":\"allow\",\"tools\":{\"Brand_New_Tool\":{\"action\":\"deny\",\"reason\":\"just added\"}}}");

    // Then
    Awaitility.await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(
            () -> assertThat(decide("Brand_New_Tool")).isInstanceOf(Decision.Deny.class));
    String version = policy.snapshot().engine().policy().hash();
    assertThat(adminEventsSince(since, "policy changed", "policy_version"))
        .as("the change is an admin event of the new version")
        .contains("policy changed by policy-file via system: " + version);
  }

  @Test
  void anInvalidChangeIsRefusedAndThePreviousPolicyStays() throws Exception {
    // Given
    String before = policy.snapshot().engine().policy().hash();
    Timestamp since = Timestamp.from(Instant.now());

    // When
    Files.writeString(EmbeddedServices.TEST_POLICY, "{\n  \"default\": \"sometimes\"\n}");

    // Then
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> policy.lastRefusal() != null);
    assertThat(policy.lastRefusal().errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.path()).isEqualTo("$.default");
              assertThat(e.line()).isEqualTo(2);
            });
    assertThat(policy.snapshot().engine().policy().hash()).isEqualTo(before);
    assertThat(adminEventsSince(since, "policy change refused", "details"))
        .singleElement()
        .asString()
        .startsWith("policy change refused by policy-file via system: ")
        .contains("$.default");
  }

  /** The admin events of that decision since then: decision, who, channel and the column. */
  private List<String> adminEventsSince(Timestamp since, String decision, String column)
      throws Exception {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Rows.strings(
                    dataSource,
                    "select decision || ' by ' || (reviewers::json->>0) || ' via ' || channel || ': ' || "
                        + column
                        + " from audit_event where kind = 'admin' and decision = ? and at >= ?",
                    decision,
                    since),
            events -> !events.isEmpty());
  }

  private Decision decide(String tool) {
    return policy
        .engine()
        .decide(
            new PolicyRequest(
                "a", "g", "s", "u", tool, JsonNodeFactory.instance.objectNode(), null));
  }

  private static String read() {
    try {
      return Files.readString(EmbeddedServices.TEST_POLICY);
    } catch (Exception e) {
      return "";
    }
  }
}
