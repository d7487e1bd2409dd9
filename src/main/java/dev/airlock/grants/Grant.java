package dev.airlock.grants;

import java.time.Instant;
import java.util.Set;

/** A grant as the admin API shows it: never the key, only its first characters. */
public record Grant(
    String id,
    String agent,
    String owner,
    Set<String> upstreams,
    String keyPrefix,
    Instant createdAt,
    Instant expiresAt,
    Instant revokedAt) {}
