package dev.airlock.logging;

import java.util.logging.Level;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;

/**
 * A logger for lines about one call: each line carries the call's decision id in its MDC (a {@code
 * decisionId} field in JSON logs, {@code %X{decisionId}} in the text pattern). The id is set on the
 * record itself, not on the thread: a call's work hops between the event loop, workers and Kafka
 * threads, and on Vert.x threads the thread's MDC belongs to whatever context runs there.
 */
public final class DecisionLog {

  public static final String KEY = "decisionId";
  private static final String FQCN = DecisionLog.class.getName();

  private final Logger logger;

  private DecisionLog(String category) {
    this.logger = Logger.getLogger(category);
  }

  public static DecisionLog of(String category) {
    return new DecisionLog(category);
  }

  public static DecisionLog of(Class<?> type) {
    return new DecisionLog(type.getName());
  }

  public boolean isInfoEnabled() {
    return logger.isLoggable(org.jboss.logmanager.Level.INFO);
  }

  public void info(String decisionId, String format, Object... args) {
    log(org.jboss.logmanager.Level.INFO, decisionId, null, format, args);
  }

  public void warn(String decisionId, String format, Object... args) {
    log(org.jboss.logmanager.Level.WARN, decisionId, null, format, args);
  }

  public void error(String decisionId, Throwable error, String format, Object... args) {
    log(org.jboss.logmanager.Level.ERROR, decisionId, error, format, args);
  }

  private void log(Level level, String decisionId, Throwable error, String format, Object... args) {
    if (!logger.isLoggable(level)) {
      return;
    }
    ExtLogRecord record = new ExtLogRecord(level, format, ExtLogRecord.FormatStyle.PRINTF, FQCN);
    record.setLoggerName(logger.getName());
    record.setParameters(args);
    record.setThrown(error);
    record.copyMdc();
    if (decisionId != null) {
      record.putMdc(KEY, decisionId);
    }
    logger.logRaw(record);
  }
}
