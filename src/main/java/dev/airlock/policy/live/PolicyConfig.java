package dev.airlock.policy.live;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "airlock.policy")
public interface PolicyConfig {

  /**
   * The policy file; watched, a valid change applies without a restart. Unset: the built-in demo
   * policy.
   */
  Optional<String> path();

  /** How often the file is checked for changes. */
  @WithDefault("500ms")
  Duration reloadInterval();
}
