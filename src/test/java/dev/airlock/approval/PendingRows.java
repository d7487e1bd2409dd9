package dev.airlock.approval;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Pending requests written straight to the table, as another replica would leave them: parking
 * through the service would also tell this replica about each one and publish it (and the test
 * profile's Slack channel would then post every one, paced, delaying the Slack tests that follow).
 */
final class PendingRows {

  private static final String ONE_REVIEWER_OF_ANY_GROUP =
      "{\"reviewerGroups\":[],\"slackUsers\":[],\"slackUsergroup\":null,\"quorum\":1,"
          + "\"ownerMayApprove\":true}";

  private PendingRows() {}

  static List<String> insert(EntityManager entityManager, int count, Duration expiresIn) {
    List<String> ids = new ArrayList<>();
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              for (int i = 0; i < count; i++) {
                String id = UUID.randomUUID().toString();
                entityManager
                    .createNativeQuery(
                        "insert into approval_request (id, status, upstream, tool, arguments,"
                            + " call_params, arguments_digest, agent, grant_id, session_id, risk,"
                            + " rule_id, policy_version, approvers, quorum, wait_mode, on_timeout,"
                            + " requested_at, expires_at) values (?1, 'PENDING', 'tools', 'HeldTool',"
                            + " cast('{}' as jsonb), cast('{}' as jsonb), ?2, 'anonymous',"
                            + " 'anonymous', 'pending-rows', 'high', 'tools.HeldTool', ?2,"
                            + " cast(?4 as jsonb), 1, 'HOLD', 'DENY', now(),"
                            + " now() + make_interval(secs => ?3))")
                    .setParameter(1, id)
                    .setParameter(2, "0".repeat(64))
                    .setParameter(3, expiresIn.toMillis() / 1000.0)
                    .setParameter(4, ONE_REVIEWER_OF_ANY_GROUP)
                    .executeUpdate();
                ids.add(id);
              }
            });
    return ids;
  }
}
