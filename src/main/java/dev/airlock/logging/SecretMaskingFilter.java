package dev.airlock.logging;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Masks credentials in every log line, whatever logged them: agent keys, Slack tokens and bearer
 * tokens never reach a log.
 */
@LoggingFilter(name = "airlock-secrets")
public final class SecretMaskingFilter implements Filter {

  private static final Pattern AGENT_KEY = Pattern.compile("alk_[A-Za-z0-9_]{8,}");
  private static final Pattern SLACK_TOKEN = Pattern.compile("xox[abprse]-[A-Za-z0-9-]{6,}");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}");

  @Override
  public boolean isLoggable(LogRecord record) {
    if (record instanceof ExtLogRecord ext) {
      String message = ext.getFormattedMessage();
      if (message != null) {
        String masked = mask(message);
        if (!masked.equals(message)) {
          ext.setMessage(masked, ExtLogRecord.FormatStyle.NO_FORMAT);
          ext.setParameters(null);
        }
      }
    }
    return true;
  }

  static String mask(String text) {
    String masked = AGENT_KEY.matcher(text).replaceAll("alk_***");
    masked = SLACK_TOKEN.matcher(masked).replaceAll("xox*-***");
    return BEARER.matcher(masked).replaceAll("$1***");
  }
}
