package dev.airlock.policy;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed, validated policy: immutable, safe to share between threads.
 *
 * @param hash SHA-256 of the canonical document: the policy version every decision names
 * @param upstreams per-upstream sections; a section's tools come before the top-level ones, and its
 *     default and risk classes replace the top-level ones when it sets them
 */
public record Policy(
    String version,
    boolean enforce,
    Rule defaultRule,
    List<ToolRule> tools,
    Map<Risk, Rule> riskClasses,
    Map<String, Section> upstreams,
    boolean hideDeniedTools,
    String hash) {

  /** One upstream's part of the document. */
  public record Section(
      String prefix,
      Optional<Rule> defaultRule,
      List<ToolRule> tools,
      Map<Risk, Rule> riskClasses) {}

  /** Exact names first, then patterns with the most literal characters. */
  public static final Comparator<ToolRule> PRECEDENCE =
      Comparator.<ToolRule, Boolean>comparing(t -> !t.pattern().exact())
          .thenComparing(t -> -t.pattern().literalChars());
}
