package dev.airlock.policy;

/** How much harm a tool can do, from its MCP annotations and verb, or as the policy says. */
public enum Risk {
  LOW,
  MEDIUM,
  HIGH
}
