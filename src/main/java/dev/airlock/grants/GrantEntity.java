package dev.airlock.grants;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "agent_grant")
public class GrantEntity extends PanacheEntityBase {

  @Id public String id;
  public String agent;
  public String owner;

  @JdbcTypeCode(SqlTypes.JSON)
  public String upstreams;

  @Column(name = "key_hash")
  public String keyHash;

  @Column(name = "key_prefix")
  public String keyPrefix;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "expires_at")
  public Instant expiresAt;

  @Column(name = "revoked_at")
  public Instant revokedAt;
}
