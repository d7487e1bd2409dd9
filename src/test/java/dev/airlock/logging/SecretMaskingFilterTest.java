package dev.airlock.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

class SecretMaskingFilterTest {

  @Test
  void agentKeysSlackTokensAndBearerTokensAreMasked() {
    String line =
        "key alk_Zx81kQ0aBcDeFgHiJkLmNoPq token "
            + "xox"
            + "b-12345-67890-abcdef header Authorization: Bearer eyJhbGciOi.J9.sig";
    String masked = SecretMaskingFilter.mask(line);
    assertThat(masked)
        .doesNotContain("Zx81kQ0a")
        .doesNotContain("12345-67890")
        .doesNotContain("eyJhbGciOi");
    assertThat(masked).contains("alk_***").contains("xox*-***").contains("Bearer ***");
  }

  @Test
  void theFilterRewritesFormattedRecordsAndKeepsThem() {
    ExtLogRecord record =
        new ExtLogRecord(Level.INFO, "issued %s", ExtLogRecord.FormatStyle.PRINTF, "test");
    record.setParameters(new Object[] {"alk_Zx81kQ0aBcDeFgHiJkLmNoPq"});
    assertThat(new SecretMaskingFilter().isLoggable(record)).isTrue();
    assertThat(record.getFormattedMessage()).isEqualTo("issued alk_***");
  }

  @Test
  void ordinaryLinesAreUntouched() {
    assertThat(SecretMaskingFilter.mask("Policy reloaded (version 3f2a)"))
        .isEqualTo("Policy reloaded (version 3f2a)");
  }
}
