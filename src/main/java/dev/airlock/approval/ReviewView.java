package dev.airlock.approval;

import java.time.Instant;

/** One reviewer's vote on a request (a quorum collects several). */
public record ReviewView(
    String reviewerId,
    String reviewerName,
    Channel channel,
    String decision,
    String reason,
    Instant at) {}
