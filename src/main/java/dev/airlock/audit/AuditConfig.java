package dev.airlock.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

@ConfigMapping(prefix = "airlock.audit")
public interface AuditConfig {

  /** Events older than this are deleted by the retention job. */
  @WithDefault("P365D")
  Duration retention();

  /** Argument names masked in every audit event, whatever the policy says. */
  @WithDefault("password,token,secret,apiKey,api_key,authorization")
  List<String> redact();

  /** How often events are published to the airlock.audit topic. */
  @WithDefault("500ms")
  Duration publishInterval();
}
