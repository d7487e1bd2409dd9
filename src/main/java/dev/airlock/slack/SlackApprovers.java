package dev.airlock.slack;

import dev.airlock.approval.ApprovalView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may decide a request in Slack: the rule's Slack users, members of its Slack user group
 * (cached), or, when the rule names neither, {@code airlock.slack.approvers}. Nobody otherwise.
 */
@ApplicationScoped
public class SlackApprovers {

  private record Members(List<String> users, Instant until) {}

  @Inject SlackSettings settings;
  @Inject SlackApi slack;

  private final Map<String, Members> groups = new ConcurrentHashMap<>();

  boolean mayDecide(String slackUser, ApprovalView view) throws SlackApi.SlackFailure {
    var rule = view.approvers();
    if (rule.slackUsers().contains(slackUser)) {
      return true;
    }
    if (rule.slackUsergroup() != null) {
      return members(rule.slackUsergroup()).contains(slackUser);
    }
    if (rule.slackUsers().isEmpty()) {
      return settings.approvers().orElse(List.of()).contains(slackUser);
    }
    return false;
  }

  private List<String> members(String usergroup) throws SlackApi.SlackFailure {
    Members cached = groups.get(usergroup);
    if (cached != null && cached.until().isAfter(Instant.now())) {
      return cached.users();
    }
    List<String> users = slack.usergroupMembers(usergroup);
    groups.put(
        usergroup,
        new Members(List.copyOf(users), Instant.now().plus(settings.usergroupCacheTtl())));
    return users;
  }
}
