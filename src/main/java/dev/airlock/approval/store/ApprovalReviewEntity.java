package dev.airlock.approval.store;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One reviewer's vote. */
@Entity
@Table(name = "approval_review")
public class ApprovalReviewEntity extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "request_id")
  public String requestId;

  @Column(name = "reviewer_id")
  public String reviewerId;

  @Column(name = "reviewer_name")
  public String reviewerName;

  public String channel;
  public String decision;
  public String reason;
  public Instant at;
}
