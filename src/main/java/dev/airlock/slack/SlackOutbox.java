package dev.airlock.slack;

import dev.airlock.approval.ApprovalView;
import dev.airlock.approval.Approvals;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Durable, paced delivery to Slack: a row per message to post or update, sent by a worker that
 * keeps about one message per second per channel, waits out 429 Retry-After, retries failures with
 * backoff up to {@code max-attempts}, and never blocks the gateway or the decision path.
 */
@ApplicationScoped
public class SlackOutbox {

  private static final Logger LOG = Logger.getLogger(SlackOutbox.class);

  @Inject AgroalDataSource dataSource;
  @Inject SlackSettings settings;
  @Inject SlackApi slack;
  @Inject Approvals approvals;
  @Inject MeterRegistry metrics;

  private final Map<String, Instant> lastSentByChannel = new ConcurrentHashMap<>();

  /** Queues the message for a new request (once per request, whatever Kafka redelivers). */
  void enqueuePost(ApprovalView view) {
    channelFor(view)
        .ifPresent(channel -> insert(view.id(), "post", channel, "on conflict do nothing"));
  }

  /** Queues an update of the request's message (progress of a quorum, or the outcome). */
  void enqueueUpdate(ApprovalView view) {
    insert(view.id(), "update", "-", "");
  }

  Optional<String> channelFor(ApprovalView view) {
    if (settings.ruleChannels().containsKey(view.ruleId())) {
      return Optional.of(settings.ruleChannels().get(view.ruleId()));
    }
    if (settings.upstreamChannels().containsKey(view.upstream())) {
      return Optional.of(settings.upstreamChannels().get(view.upstream()));
    }
    if (view.risk() != null && settings.riskChannels().containsKey(view.risk())) {
      return Optional.of(settings.riskChannels().get(view.risk()));
    }
    return settings.defaultChannel();
  }

  private void insert(String approvalId, String kind, String channel, String conflict) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "insert into slack_outbox (approval_id, kind, channel, next_attempt_at, created_at) values (?, ?, ?, now(), now()) "
                    + conflict)) {
      s.setString(1, approvalId);
      s.setString(2, kind);
      s.setString(3, channel);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("slack outbox unavailable: " + e.getMessage(), e);
    }
  }

  @Scheduled(
      every = "1s",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void deliverDue() {
    if (!settings.enabled()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement due =
              c.prepareStatement(
                  "select id, approval_id, kind, channel, attempts from slack_outbox where done_at is null and next_attempt_at <= now()"
                      + " order by id limit 20 for update skip locked");
          ResultSet rows = due.executeQuery()) {
        while (rows.next()) {
          deliver(
              c,
              rows.getLong(1),
              rows.getString(2),
              rows.getString(3),
              rows.getString(4),
              rows.getInt(5));
        }
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      LOG.debugf("Slack delivery paused: %s", e.getMessage());
    }
  }

  private void deliver(
      Connection c, long id, String approvalId, String kind, String channel, int attempts)
      throws SQLException {
    Optional<ApprovalView> view = approvals.find(approvalId);
    if (view.isEmpty()) {
      finish(c, id, null);
      return;
    }
    Optional<String[]> posted = posted(c, approvalId);
    String target = kind.equals("post") ? channel : posted.map(p -> p[0]).orElse(null);
    if (kind.equals("update") && target == null) {
      if (postQueued(c, approvalId)) {
        retryLater(c, id, attempts, Duration.ofSeconds(1), null, false);
      } else {
        // Nothing was or will be posted (no channel, or the post gave up): retrying every second
        // would keep the row due forever and crowd newer messages out of each batch.
        finish(c, id, "no Slack message to update");
      }
      return;
    }
    Instant last = lastSentByChannel.get(target);
    if (last != null && last.plus(settings.channelPace()).isAfter(Instant.now())) {
      return; // paced: this channel got a message less than a second ago
    }
    try {
      var blocks = SlackMessages.blocks(view.get(), settings.queueBaseUrl());
      if (kind.equals("post")) {
        String ts = slack.post(target, SlackMessages.fallbackText(view.get()), blocks);
        try (PreparedStatement s =
            c.prepareStatement(
                "insert into slack_message (approval_id, channel, ts) values (?, ?, ?) on conflict do nothing")) {
          s.setString(1, approvalId);
          s.setString(2, target);
          s.setString(3, ts);
          s.executeUpdate();
        }
        if (view.get().status().isFinal() || !view.get().reviews().isEmpty()) {
          insert(approvalId, "update", "-", "");
        }
      } else {
        slack.update(target, posted.get()[1], SlackMessages.fallbackText(view.get()), blocks);
      }
      lastSentByChannel.put(target, Instant.now());
      finish(c, id, null);
    } catch (SlackApi.SlackFailure failure) {
      lastSentByChannel.put(target, Instant.now());
      metrics
          .counter(
              "airlock_slack_errors_total",
              "kind",
              failure.status == 429
                  ? "rate_limited"
                  : failure.status >= 500 ? "server" : failure.status == 0 ? "network" : "api")
          .increment();
      if (failure.status == 429) {
        retryLater(
            c,
            id,
            attempts,
            Duration.ofSeconds(Math.max(1, failure.retryAfterSeconds)),
            failure.getMessage(),
            false);
      } else {
        retryLater(
            c,
            id,
            attempts,
            Duration.ofSeconds(Math.min(300, 1L << Math.min(attempts, 8))),
            failure.getMessage(),
            true);
      }
    }
  }

  private Optional<String[]> posted(Connection c, String approvalId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("select channel, ts from slack_message where approval_id = ?")) {
      s.setString(1, approvalId);
      try (ResultSet r = s.executeQuery()) {
        return r.next()
            ? Optional.of(new String[] {r.getString(1), r.getString(2)})
            : Optional.empty();
      }
    }
  }

  private boolean postQueued(Connection c, String approvalId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "select 1 from slack_outbox where approval_id = ? and kind = 'post' and done_at is null")) {
      s.setString(1, approvalId);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  private void retryLater(
      Connection c, long id, int attempts, Duration wait, String error, boolean counts)
      throws SQLException {
    int next = counts ? attempts + 1 : attempts;
    if (next >= settings.maxAttempts()) {
      LOG.errorf(
          "Giving up a Slack message for approval row %d after %d attempts: %s (the request stays decidable in the web queue)",
          id, next, error);
      finish(c, id, error);
      return;
    }
    if (attempts == 0 && counts) {
      LOG.warnf("Slack delivery failed, retrying with backoff: %s", error);
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "update slack_outbox set attempts = ?, next_attempt_at = ?, last_error = ? where id = ?")) {
      s.setInt(1, next);
      s.setTimestamp(2, Timestamp.from(Instant.now().plus(wait)));
      s.setString(3, error);
      s.setLong(4, id);
      s.executeUpdate();
    }
  }

  private void finish(Connection c, long id, String error) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "update slack_outbox set done_at = now(), last_error = ? where id = ?")) {
      s.setString(1, error);
      s.setLong(2, id);
      s.executeUpdate();
    }
  }
}
