package dev.airlock.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.airlock.approval.store.ApprovalRequestEntity;
import dev.airlock.approval.store.ApprovalReviewEntity;
import dev.airlock.approval.store.OutboxEntity;
import dev.airlock.audit.AuditEntry;
import dev.airlock.audit.AuditTrail;
import dev.airlock.audit.StorableText;
import dev.airlock.guard.ToolCall;
import dev.airlock.logging.DecisionLog;
import dev.airlock.policy.ApprovalRule;
import dev.airlock.policy.CanonicalJson;
import dev.airlock.policy.Decision;
import dev.airlock.tracing.CallTracer;
import dev.airlock.tracing.TraceContexts;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The one decision service, and the store of parked calls. Every state change happens in one
 * transaction with its outbox message (and its audit entry), so what is stored, published and
 * audited can never disagree.
 */
@ApplicationScoped
public class ApprovalService implements Approvals {

  private static final DecisionLog LOG = DecisionLog.of(ApprovalService.class);
  private static final String TIMED_OUT = "no decision within the approval timeout";

  /**
   * A reason goes into the decided message, the audit event and the agent's answer; Slack's modal
   * takes at most 3,000 characters. Longer is a paste by mistake, and would make both messages
   * large.
   */
  static final int MAX_REASON_CHARS = 4000;

  @Inject EntityManager entityManager;
  @Inject ApprovalConfig config;
  @Inject ObjectMapper json;
  @Inject Instance<AuditTrail> audit;
  @Inject Event<OutboxWritten> outboxWritten;
  @Inject @CallTracer Tracer tracer;

  /**
   * Fired inside the transaction that wrote an outbox row; observed after it commits.
   *
   * @param view the request as that transaction left it
   */
  public record OutboxWritten(String approvalId, ApprovalView view) {}

  // ---- parking --------------------------------------------------------------------------------

  @Transactional
  public ApprovalView park(ParkRequest request) {
    ToolCall call = request.call();
    Decision.Park park = request.park();
    ApprovalRule rule = park.approval();
    Instant now = Instant.now();
    ApprovalRequestEntity entity = new ApprovalRequestEntity();
    entity.id = UUID.randomUUID().toString();
    entity.status = ApprovalStatus.PENDING.name();
    entity.upstream = call.upstream();
    entity.tool = StorableText.of(call.tool());
    entity.arguments = request.shownArguments().toString();
    entity.callParams = call.params().toString();
    entity.argumentsDigest = request.argumentsDigest();
    entity.agent = call.caller().agent();
    entity.owner = call.caller().owner();
    entity.grantId = call.caller().grantId();
    entity.sessionId = call.sessionId();
    entity.risk = park.risk().name().toLowerCase(Locale.ROOT);
    entity.ruleId = park.ruleId();
    entity.ruleReason = park.reason();
    entity.policyVersion = park.policyVersion();
    entity.approvers =
        write(
            new ApproverSettings(
                rule.reviewerGroups(),
                rule.slackUsers(),
                rule.slackUsergroup(),
                rule.quorum(),
                rule.ownerMayApprove()));
    entity.quorum = rule.quorum();
    entity.waitMode = rule.waitMode().name();
    entity.onTimeout = rule.onTimeout().name();
    entity.inputSchema = request.inputSchema() == null ? null : request.inputSchema().toString();
    entity.requestedAt = now;
    entity.expiresAt = now.plus(rule.timeout());
    entity.traceParent = request.traceParent();
    entity.persist();
    ApprovalView view = view(entity, List.of());
    outbox(ApprovalTopics.REQUESTED, view);
    auditEntry("approval", view, "park", park.reason(), List.of(), null, null);
    LOG.info(
        view.id(),
        "Parking %s on %s for approval (%s, %d reviewer(s), expires %s)",
        call.tool(),
        call.upstream(),
        park.ruleId(),
        rule.quorum(),
        entity.expiresAt);
    return view;
  }

  // ---- reading --------------------------------------------------------------------------------

  @Override
  @Transactional
  public Optional<ApprovalView> find(String id) {
    ApprovalRequestEntity entity = ApprovalRequestEntity.findById(id);
    return Optional.ofNullable(entity).map(e -> view(e, reviews(e.id)));
  }

  @Override
  @Transactional
  public long countPending() {
    return ApprovalRequestEntity.count("status", ApprovalStatus.PENDING.name());
  }

  /**
   * The requests decided at or after {@code since} (by this replica's clock or another's). Its cost
   * follows the decisions recorded, not the calls held.
   */
  @Transactional
  public List<String> decidedSince(Instant since) {
    return entityManager
        .createQuery(
            "select id from ApprovalRequestEntity where decidedAt >= :since and status <> 'PENDING'",
            String.class)
        .setParameter("since", since)
        .getResultList();
  }

  /** Those of {@code ids} whose request is no longer pending, in one query. */
  @Transactional
  public List<String> decidedAmong(Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return entityManager
        .createQuery(
            "select id from ApprovalRequestEntity where id in :ids and status <> 'PENDING'",
            String.class)
        .setParameter("ids", ids)
        .getResultList();
  }

  @Override
  @Transactional
  public List<ApprovalView> list(ApprovalFilter filter) {
    StringBuilder query = new StringBuilder("1 = 1");
    Map<String, Object> params = new HashMap<>();
    if (filter.status() != null) {
      query.append(" and status = :status");
      params.put("status", filter.status().name());
    }
    if (filter.upstream() != null) {
      query.append(" and upstream = :upstream");
      params.put("upstream", filter.upstream());
    }
    if (filter.tool() != null) {
      query.append(" and tool = :tool");
      params.put("tool", filter.tool());
    }
    if (filter.agent() != null) {
      query.append(" and agent = :agent");
      params.put("agent", filter.agent());
    }
    if (filter.risk() != null) {
      query.append(" and risk = :risk");
      params.put("risk", filter.risk());
    }
    Sort sort =
        filter.status() == ApprovalStatus.PENDING
            ? Sort.ascending("requestedAt")
            : Sort.descending("requestedAt");
    List<ApprovalRequestEntity> rows =
        ApprovalRequestEntity.<ApprovalRequestEntity>find(query.toString(), sort, params)
            .page(0, filter.limit() <= 0 ? 100 : Math.min(filter.limit(), 1000))
            .list();
    return rows.stream().map(e -> view(e, reviews(e.id))).toList();
  }

  // ---- deciding -------------------------------------------------------------------------------

  @Override
  @Transactional
  public DecisionResult decide(String id, Reviewer reviewer, DecisionCommand command) {
    ApprovalRequestEntity entity =
        entityManager.find(ApprovalRequestEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (entity == null) {
      return new DecisionResult.NotFound(id);
    }
    List<ApprovalReviewEntity> votes = reviews(id);
    if (!ApprovalStatus.PENDING.name().equals(entity.status)) {
      return new DecisionResult.AlreadyDecided(view(entity, votes));
    }
    if (!entity.expiresAt.isAfter(Instant.now())) {
      // Past its deadline, whether or not a sweep got there yet: a late vote does not count.
      close(entity, timeoutOutcome(entity), TIMED_OUT);
      return new DecisionResult.AlreadyDecided(view(entity, votes));
    }
    ApproverSettings approvers = read(entity.approvers, ApproverSettings.class);
    String refusal = refusal(entity, approvers, reviewer, command);
    if (refusal != null) {
      return new DecisionResult.NotAllowed(refusal);
    }
    if (votes.stream().anyMatch(v -> v.reviewerId.equals(reviewer.id()))) {
      return new DecisionResult.NotAllowed(
          reviewer.name() + " has already voted on this request; another reviewer must decide");
    }
    if (command.reason() != null && command.reason().length() > MAX_REASON_CHARS) {
      return new DecisionResult.Invalid(
          "reason too long: "
              + command.reason().length()
              + " characters, at most "
              + MAX_REASON_CHARS);
    }
    if (command.reason() != null && command.reason().indexOf('\0') >= 0) {
      // PostgreSQL's text cannot hold it; refused here, it is the reviewer's mistake to mend.
      return new DecisionResult.Invalid("reason must not contain the character U+0000");
    }
    if (command.editedArguments() != null) {
      if (command.verb() != DecisionCommand.Verb.APPROVE) {
        return new DecisionResult.Invalid("only an approval can carry edited arguments");
      }
      int size = CanonicalJson.measure(command.editedArguments()).bytes();
      if (size > config.maxArgumentsBytes()) {
        return new DecisionResult.Invalid(
            "edited arguments too large: "
                + size
                + " bytes, at most "
                + config.maxArgumentsBytes()
                + " (airlock.approval.max-arguments-bytes)");
      }
      String invalid = schemaErrors(entity.inputSchema, command.editedArguments());
      if (invalid != null) {
        return new DecisionResult.Invalid(invalid);
      }
    }
    Instant now = Instant.now();
    ApprovalReviewEntity vote = new ApprovalReviewEntity();
    vote.requestId = id;
    vote.reviewerId = reviewer.id();
    vote.reviewerName = reviewer.name();
    vote.channel = reviewer.channel().name();
    vote.decision = command.verb() == DecisionCommand.Verb.APPROVE ? "approve" : "deny";
    vote.reason = command.reason();
    vote.at = now;
    vote.persist();
    votes = new ArrayList<>(votes);
    votes.add(vote);
    if (command.editedArguments() != null) {
      entity.editedArguments = command.editedArguments().toString();
    }
    long approvals = votes.stream().filter(v -> v.decision.equals("approve")).count();
    boolean finalDecision =
        command.verb() == DecisionCommand.Verb.DENY || approvals >= entity.quorum;
    if (finalDecision) {
      entity.status =
          command.verb() == DecisionCommand.Verb.DENY
              ? ApprovalStatus.DENIED.name()
              : ApprovalStatus.APPROVED.name();
      entity.decidedBy = reviewer.id();
      entity.decidedByName = reviewer.name();
      entity.decidedVia = reviewer.channel().name();
      entity.decisionReason = command.reason();
      entity.decidedAt = now;
    }
    ApprovalView view = view(entity, votes);
    List<String> names = votes.stream().map(v -> v.reviewerName).toList();
    auditEntry(
        "review",
        view,
        vote.decision,
        command.reason(),
        List.of(reviewer.name()),
        reviewer.channel().name(),
        command.editedArguments());
    if (finalDecision) {
      auditEntry(
          "approval",
          view,
          entity.status.toLowerCase(Locale.ROOT),
          command.reason(),
          names,
          reviewer.channel().name(),
          null);
    }
    // Votes short of the quorum are published too, so Slack and the queue show progress.
    outbox(ApprovalTopics.DECIDED, view);
    traceDecision(entity, reviewer, vote.decision);
    LOG.info(
        view.id(),
        "Recording %s by %s via %s; the request is now %s",
        vote.decision,
        reviewer.name(),
        reviewer.channel().name().toLowerCase(Locale.ROOT),
        entity.status);
    return new DecisionResult.Recorded(view);
  }

  /**
   * A span in the parked call's trace (whichever replica holds it), linked to the span of the
   * request that carried the decision (REST, Slack, queue).
   */
  private void traceDecision(ApprovalRequestEntity entity, Reviewer reviewer, String vote) {
    if (entity.traceParent == null) {
      return;
    }
    Span span =
        tracer
            .spanBuilder("approval decision")
            .setParent(TraceContexts.parent(entity.traceParent))
            .addLink(Span.current().getSpanContext())
            .setAttribute("airlock.decision_id", entity.id)
            .setAttribute("airlock.vote", vote)
            .setAttribute("airlock.reviewer", reviewer.name())
            .setAttribute("airlock.channel", reviewer.channel().name().toLowerCase(Locale.ROOT))
            .setAttribute("airlock.status", entity.status)
            .startSpan();
    span.end();
  }

  private String refusal(
      ApprovalRequestEntity entity,
      ApproverSettings approvers,
      Reviewer reviewer,
      DecisionCommand command) {
    if (!approvers.ownerMayApprove()
        && command.verb() == DecisionCommand.Verb.APPROVE
        && reviewer.id().equals(entity.owner)) {
      return "the owner of agent " + entity.agent + " may not approve its calls";
    }
    if (reviewer.channel() == Channel.SLACK || approvers.reviewerGroups().isEmpty()) {
      // Slack approvers are checked by the Slack channel against the rule's Slack settings.
      return null;
    }
    boolean inGroup =
        reviewer.roles().contains("admin")
            || approvers.reviewerGroups().stream().anyMatch(reviewer.roles()::contains);
    return inGroup
        ? null
        : "you are not in a reviewer group of this rule: " + approvers.reviewerGroups();
  }

  private String schemaErrors(String schema, ObjectNode arguments) {
    if (schema == null) {
      return null;
    }
    var errors =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(schema, InputFormat.JSON)
            .validate(arguments.toString(), InputFormat.JSON);
    if (errors.isEmpty()) {
      return null;
    }
    return "edited arguments do not match the tool's input schema: "
        + String.join("; ", errors.stream().map(Object::toString).toList());
  }

  // ---- system outcomes ------------------------------------------------------------------------

  /** The client withdrew the call. Returns whether this made the request final. */
  @Transactional
  public boolean cancel(String id, String why) {
    return finish(id, ApprovalStatus.CANCELLED, why);
  }

  /** The earliest deadline of a pending request, if any request is pending. */
  @Transactional
  public Optional<Instant> earliestPendingDeadline() {
    return Optional.ofNullable(
        entityManager
            .createQuery(
                "select min(expiresAt) from ApprovalRequestEntity where status = 'PENDING'",
                Instant.class)
            .getSingleResult());
  }

  /** Moves every pending request past its deadline to its timeout outcome; returns how many. */
  @Transactional
  public int expireDue() {
    List<ApprovalRequestEntity> due =
        entityManager
            .createQuery(
                "from ApprovalRequestEntity where status = 'PENDING' and expiresAt <= :now",
                ApprovalRequestEntity.class)
            .setParameter("now", Instant.now())
            .setLockMode(LockModeType.PESSIMISTIC_WRITE)
            .setHint("jakarta.persistence.lock.timeout", -2)
            .setMaxResults(200)
            .getResultList();
    for (ApprovalRequestEntity entity : due) {
      close(entity, timeoutOutcome(entity), TIMED_OUT);
    }
    return due.size();
  }

  private static ApprovalStatus timeoutOutcome(ApprovalRequestEntity entity) {
    return ApprovalRule.TimeoutAction.APPROVE.name().equals(entity.onTimeout)
        ? ApprovalStatus.APPROVED
        : ApprovalStatus.EXPIRED;
  }

  private boolean finish(String id, ApprovalStatus status, String why) {
    ApprovalRequestEntity entity =
        entityManager.find(ApprovalRequestEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (entity == null || !ApprovalStatus.PENDING.name().equals(entity.status)) {
      return false;
    }
    close(entity, status, why);
    return true;
  }

  private void close(ApprovalRequestEntity entity, ApprovalStatus status, String why) {
    entity.status = status.name();
    entity.decidedBy = "system";
    entity.decidedByName = "Airlock";
    entity.decidedVia = Channel.SYSTEM.name();
    entity.decisionReason = why;
    entity.decidedAt = Instant.now();
    ApprovalView view = view(entity, reviews(entity.id));
    auditEntry(
        "approval",
        view,
        status.name().toLowerCase(Locale.ROOT),
        why,
        List.of(),
        Channel.SYSTEM.name(),
        null);
    outbox(ApprovalTopics.DECIDED, view);
  }

  // ---- release --------------------------------------------------------------------------------

  /**
   * Claims the single release of an approved request: succeeds once, for an APPROVED record only,
   * and returns the params to send (the reviewer's edited arguments if any).
   */
  @Transactional
  public Optional<ObjectNode> claimRelease(String id) {
    int claimed =
        entityManager
            .createQuery(
                "update ApprovalRequestEntity set releasedAt = :now, version = version + 1"
                    + " where id = :id and status = 'APPROVED' and releasedAt is null")
            .setParameter("now", Instant.now())
            .setParameter("id", id)
            .executeUpdate();
    if (claimed != 1) {
      return Optional.empty();
    }
    ApprovalRequestEntity entity = ApprovalRequestEntity.findById(id);
    entityManager.refresh(entity);
    ObjectNode params = (ObjectNode) readTree(entity.callParams);
    if (entity.editedArguments != null) {
      params.set("arguments", readTree(entity.editedArguments));
    }
    return Optional.of(params);
  }

  /**
   * The newest request bound to exactly this call (grant, upstream, tool, canonical arguments,
   * policy version) that an identical retry may attach to: pending, or approved and unreleased
   * within {@code validity} of its decision.
   */
  /** Rows read for a retry's match; more than one only where names differ in U+0000 alone. */
  private static final int MATCHES_READ = 10;

  @Transactional
  public Optional<ApprovalView> reusableFor(
      String grantId,
      String upstream,
      String tool,
      String digest,
      String policyVersion,
      Duration validity) {
    List<ApprovalRequestEntity> rows =
        entityManager
            .createQuery(
                "from ApprovalRequestEntity where grantId = :grant and upstream = :upstream and tool = :tool"
                    + " and argumentsDigest = :digest and policyVersion = :version order by requestedAt desc",
                ApprovalRequestEntity.class)
            .setParameter("grant", grantId)
            .setParameter("upstream", upstream)
            .setParameter("tool", StorableText.of(tool))
            .setParameter("digest", digest)
            .setParameter("version", policyVersion)
            .setMaxResults(MATCHES_READ)
            .getResultList();
    // The stored tool escapes U+0000, so a name spelling that escape out matches it there: the
    // exact name the request was made for decides.
    ApprovalRequestEntity latest =
        rows.stream()
            .filter(row -> tool.equals(readTree(row.callParams).path("name").asText()))
            .findFirst()
            .orElse(null);
    if (latest == null) {
      return Optional.empty();
    }
    boolean pending = ApprovalStatus.PENDING.name().equals(latest.status);
    boolean approvedUnreleased =
        ApprovalStatus.APPROVED.name().equals(latest.status)
            && latest.releasedAt == null
            && latest.decidedAt != null
            && latest.decidedAt.plus(validity).isAfter(Instant.now());
    boolean recentlyRefused =
        (ApprovalStatus.DENIED.name().equals(latest.status)
                || ApprovalStatus.EXPIRED.name().equals(latest.status))
            && latest.decidedAt != null
            && latest.decidedAt.plus(validity).isAfter(Instant.now());
    return pending || approvedUnreleased || recentlyRefused
        ? Optional.of(view(latest, reviews(latest.id)))
        : Optional.empty();
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private void outbox(String topic, ApprovalView view) {
    OutboxEntity message = new OutboxEntity();
    message.topic = topic;
    message.messageKey = view.id();
    message.payload = write(view);
    message.createdAt = Instant.now();
    message.traceParent = view.traceParent();
    message.persist();
    outboxWritten.fire(new OutboxWritten(view.id(), view));
  }

  private void auditEntry(
      String kind,
      ApprovalView view,
      String decision,
      String reason,
      List<String> reviewers,
      String channel,
      JsonNode details) {
    if (audit.isUnsatisfied()) {
      return;
    }
    Long wait =
        view.decidedAt() == null
            ? null
            : Duration.between(view.requestedAt(), view.decidedAt()).toMillis();
    audit
        .get()
        .append(
            new AuditEntry(
                kind,
                view.id(),
                view.agent(),
                view.grantId(),
                view.owner(),
                view.sessionId(),
                view.upstream(),
                view.tool(),
                view.argumentsDigest(),
                view.arguments(),
                view.policyVersion(),
                view.ruleId(),
                decision,
                reason,
                reviewers,
                channel,
                wait,
                null,
                null,
                details,
                Instant.now()));
  }

  private List<ApprovalReviewEntity> reviews(String id) {
    return ApprovalReviewEntity.<ApprovalReviewEntity>find("requestId", Sort.ascending("at"), id)
        .list();
  }

  ApprovalView view(ApprovalRequestEntity e, List<ApprovalReviewEntity> votes) {
    long approvals = votes.stream().filter(v -> v.decision.equals("approve")).count();
    return new ApprovalView(
        e.id,
        ApprovalStatus.valueOf(e.status),
        e.upstream,
        e.tool,
        readTree(e.arguments),
        e.argumentsDigest,
        e.agent,
        e.owner,
        e.grantId,
        e.sessionId,
        e.risk,
        e.ruleId,
        e.ruleReason,
        e.policyVersion,
        e.requestedAt,
        e.expiresAt,
        e.quorum,
        (int) Math.max(0, e.quorum - approvals),
        read(e.approvers, ApproverSettings.class),
        votes.stream()
            .map(
                v ->
                    new ReviewView(
                        v.reviewerId,
                        v.reviewerName,
                        Channel.valueOf(v.channel),
                        v.decision,
                        v.reason,
                        v.at))
            .toList(),
        e.decidedByName == null ? e.decidedBy : e.decidedByName,
        e.decidedVia == null ? null : Channel.valueOf(e.decidedVia),
        e.decisionReason,
        e.decidedAt,
        e.editedArguments == null ? null : readTree(e.editedArguments),
        e.traceParent);
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T read(String text, Class<T> type) {
    try {
      return json.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonNode readTree(String text) {
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
