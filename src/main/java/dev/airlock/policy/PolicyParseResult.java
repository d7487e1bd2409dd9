package dev.airlock.policy;

import java.util.List;

/** A parsed policy, or every mistake found in it. */
public sealed interface PolicyParseResult {

  record Valid(Policy policy) implements PolicyParseResult {}

  record Invalid(List<PolicyError> errors) implements PolicyParseResult {}
}
