package dev.airlock.approval;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Approval timings short enough for a test: a 2 s hold budget (50 s by default) and a 3 s full
 * check of held calls (1 min by default). One profile, so the tests that need them share one
 * application start.
 */
public class ShortApprovalTimings implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "airlock.approval.hold-budget", "2s", "airlock.approval.full-check-interval", "3s");
  }
}
