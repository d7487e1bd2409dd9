package dev.airlock.grants;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.audit.AuditEntry;
import dev.airlock.audit.AuditTrail;
import dev.airlock.guard.Caller;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** Issues, lists, revokes and verifies agent keys. */
@ApplicationScoped
public class GrantService {

  /** A new grant and its key, which is shown this once and never stored. */
  public record Issued(Grant grant, String key) {}

  @Inject ObjectMapper json;
  @Inject Instance<AuditTrail> audit;

  @Transactional
  public Issued issue(
      String agent, String owner, Set<String> upstreams, Instant expiresAt, String issuedBy) {
    return issueWithKey(agent, owner, upstreams, expiresAt, ApiKeys.generate(), issuedBy);
  }

  @Transactional
  Issued issueWithKey(
      String agent,
      String owner,
      Set<String> upstreams,
      Instant expiresAt,
      String key,
      String issuedBy) {
    GrantEntity entity = new GrantEntity();
    entity.id = UUID.randomUUID().toString();
    entity.agent = agent;
    entity.owner = owner;
    entity.upstreams = write(new TreeSet<>(upstreams));
    entity.keyHash = ApiKeys.hash(key);
    entity.keyPrefix = ApiKeys.displayPrefix(key);
    entity.createdAt = Instant.now();
    entity.expiresAt = expiresAt;
    entity.persist();
    Grant grant = view(entity);
    adminAudit("grant issued", grant, issuedBy);
    return new Issued(grant, key);
  }

  @Transactional
  public List<Grant> list() {
    return GrantEntity.<GrantEntity>findAll(Sort.ascending("createdAt")).list().stream()
        .map(this::view)
        .toList();
  }

  @Transactional
  public Optional<Grant> revoke(String id, String revokedBy) {
    GrantEntity entity = GrantEntity.findById(id);
    if (entity == null) {
      return Optional.empty();
    }
    if (entity.revokedAt == null) {
      entity.revokedAt = Instant.now();
      adminAudit("grant revoked", view(entity), revokedBy);
    }
    return Optional.of(view(entity));
  }

  /** The caller a key stands for, if it is a live grant's key. */
  @Transactional
  public Optional<Caller> verify(String key) {
    GrantEntity entity = GrantEntity.find("keyHash", ApiKeys.hash(key)).firstResult();
    if (entity == null || entity.revokedAt != null) {
      return Optional.empty();
    }
    if (entity.expiresAt != null && entity.expiresAt.isBefore(Instant.now())) {
      return Optional.empty();
    }
    return Optional.of(
        new Caller(entity.agent, entity.id, entity.owner, readSet(entity.upstreams)));
  }

  @Transactional
  public boolean existsWithKey(String key) {
    return GrantEntity.count("keyHash", ApiKeys.hash(key)) > 0;
  }

  private void adminAudit(String action, Grant grant, String by) {
    if (audit.isUnsatisfied()) {
      return;
    }
    audit
        .get()
        .append(
            new AuditEntry(
                "admin",
                grant.id(),
                grant.agent(),
                grant.id(),
                grant.owner(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                action,
                null,
                by == null ? List.of() : List.of(by),
                "api",
                null,
                null,
                null,
                null,
                Instant.now()));
  }

  private Grant view(GrantEntity e) {
    return new Grant(
        e.id,
        e.agent,
        e.owner,
        readSet(e.upstreams),
        e.keyPrefix,
        e.createdAt,
        e.expiresAt,
        e.revokedAt);
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Set<String> readSet(String text) {
    try {
      return Set.copyOf(json.readValue(text, new TypeReference<List<String>>() {}));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
