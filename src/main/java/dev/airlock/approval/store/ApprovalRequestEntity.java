package dev.airlock.approval.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A row of {@code approval_request}; JSON columns are kept as text and parsed by the service. */
@Entity
@Table(name = "approval_request")
public class ApprovalRequestEntity extends PanacheEntityBase {

  @Id public String id;
  public String status;
  public String upstream;
  public String tool;

  public String arguments;

  @Column(name = "call_params")
  public String callParams;

  @Column(name = "arguments_digest")
  public String argumentsDigest;

  public String agent;
  public String owner;

  @Column(name = "grant_id")
  public String grantId;

  @Column(name = "session_id")
  public String sessionId;

  public String risk;

  @Column(name = "rule_id")
  public String ruleId;

  @Column(name = "rule_reason")
  public String ruleReason;

  @Column(name = "policy_version")
  public String policyVersion;

  @JdbcTypeCode(SqlTypes.JSON)
  public String approvers;

  public int quorum;

  @Column(name = "wait_mode")
  public String waitMode;

  @Column(name = "on_timeout")
  public String onTimeout;

  @Column(name = "input_schema")
  public String inputSchema;

  @Column(name = "requested_at")
  public Instant requestedAt;

  @Column(name = "expires_at")
  public Instant expiresAt;

  @Column(name = "decided_by")
  public String decidedBy;

  @Column(name = "decided_by_name")
  public String decidedByName;

  @Column(name = "decided_via")
  public String decidedVia;

  @Column(name = "decision_reason")
  public String decisionReason;

  @Column(name = "decided_at")
  public Instant decidedAt;

  @Column(name = "edited_arguments")
  public String editedArguments;

  /** The parked call's W3C traceparent, or null when tracing is off. */
  @Column(name = "trace_parent")
  public String traceParent;

  @Column(name = "released_at")
  public Instant releasedAt;

  @Version public long version;
}
