package dev.airlock.policy;

import java.time.Duration;
import java.util.List;

/** The approval settings a {@code require_approval} rule gets when it names none. */
final class ApprovalSettingsDefaults {

  static final ApprovalRule DEFAULT =
      new ApprovalRule(
          List.of(),
          List.of(),
          null,
          null,
          1,
          Duration.ofMinutes(15),
          ApprovalRule.TimeoutAction.DENY,
          ApprovalRule.WaitMode.AUTO,
          true,
          List.of());

  private ApprovalSettingsDefaults() {}
}
