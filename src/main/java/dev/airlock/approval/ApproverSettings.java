package dev.airlock.approval;

import java.util.List;

/**
 * Who may decide one request, copied from the policy rule when the call was parked so a later
 * policy change cannot widen it.
 *
 * @param reviewerGroups roles allowed to decide in the web queue and API (empty: any reviewer)
 * @param slackUsers Slack user IDs allowed to decide in Slack
 * @param slackUsergroup a Slack user group ID whose members may decide in Slack, or null
 * @param quorum distinct approvals needed
 * @param ownerMayApprove whether the agent's owner may approve its own agent's call
 */
public record ApproverSettings(
    List<String> reviewerGroups,
    List<String> slackUsers,
    String slackUsergroup,
    int quorum,
    boolean ownerMayApprove) {}
