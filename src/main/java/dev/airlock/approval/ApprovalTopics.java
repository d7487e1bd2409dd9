package dev.airlock.approval;

/** The Kafka topics of the approval flow. Key: approval id. Value: JSON of {@link ApprovalView}. */
public final class ApprovalTopics {

  public static final String REQUESTED = "airlock.approvals.requested";
  public static final String DECIDED = "airlock.approvals.decided";

  private ApprovalTopics() {}
}
