package dev.airlock.approval;

import java.util.List;
import java.util.Optional;

/**
 * The one decision service. Every channel (REST API, Slack, web queue) reads and decides through
 * it, so the rules (first final decision wins, quorum of distinct reviewers, owner may not approve
 * its own agent) hold whatever the channel.
 */
public interface Approvals {

  Optional<ApprovalView> find(String id);

  List<ApprovalView> list(ApprovalFilter filter);

  /** How many requests are pending, counted in the database (no page limit). */
  long countPending();

  DecisionResult decide(String id, Reviewer reviewer, DecisionCommand command);
}
