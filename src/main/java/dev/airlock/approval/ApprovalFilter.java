package dev.airlock.approval;

/** Query for the approval list; null fields match everything. */
public record ApprovalFilter(
    ApprovalStatus status, String upstream, String tool, String agent, String risk, int limit) {}
