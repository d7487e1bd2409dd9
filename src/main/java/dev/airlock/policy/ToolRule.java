package dev.airlock.policy;

/** A rule bound to a tool name or pattern. */
public record ToolRule(ToolPattern pattern, Rule rule) {}
