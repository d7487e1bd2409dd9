package dev.airlock.grants;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The local run's ready-to-use agent key, so the README's tour works without an admin step. */
@ApplicationScoped
public class DemoGrant {

  @ConfigProperty(name = "airlock.grants.demo-key.enabled", defaultValue = "false")
  boolean enabled;

  @ConfigProperty(name = "airlock.grants.demo-key.value")
  Optional<String> key;

  @Inject GrantService grants;

  void ensure(@Observes StartupEvent event) {
    if (enabled && key.isPresent() && !grants.existsWithKey(key.get())) {
      grants.issueWithKey("demo-agent", "demo-owner", Set.of(), null, key.get(), "local-run");
    }
  }
}
