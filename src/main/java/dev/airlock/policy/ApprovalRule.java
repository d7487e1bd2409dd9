package dev.airlock.policy;

import java.time.Duration;
import java.util.List;

/**
 * The approval settings of a {@code require_approval} rule.
 *
 * @param reviewerGroups roles that may decide in the web queue and API; empty means any reviewer
 * @param slackUsers Slack user IDs that may decide in Slack
 * @param slackUsergroup Slack user group ID whose members may decide, or null
 * @param slackChannel channel to post to, or null for the configured default
 * @param quorum distinct approvals needed (at least 1); any deny denies
 * @param timeout how long a request waits for reviewers
 * @param onTimeout what happens when nobody decided in time
 * @param waitMode how the client waits (see docs/approvals.md)
 * @param ownerMayApprove whether the agent's owner may approve its own agent's calls
 * @param redact JSON pointers (e.g. {@code /credentials/secret}) of arguments masked before the
 *     request is stored, published or shown
 */
public record ApprovalRule(
    List<String> reviewerGroups,
    List<String> slackUsers,
    String slackUsergroup,
    String slackChannel,
    int quorum,
    Duration timeout,
    TimeoutAction onTimeout,
    WaitMode waitMode,
    boolean ownerMayApprove,
    List<String> redact) {

  public enum TimeoutAction {
    DENY,
    APPROVE
  }

  /** How a client waits for a decision; AUTO picks per call. */
  public enum WaitMode {
    AUTO,
    HOLD,
    TASK,
    RETRY
  }
}
