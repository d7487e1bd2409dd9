package dev.airlock.policy.live;

import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.PolicyError;
import dev.airlock.policy.PolicyParseResult;
import dev.airlock.policy.PolicyParser;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The policy in force. It watches {@code airlock.policy.path}: a valid change replaces the engine
 * atomically; an invalid one is refused with every mistake logged, and the previous policy stays.
 */
@ApplicationScoped
public class ActivePolicy {

  private static final Logger LOG = Logger.getLogger(ActivePolicy.class);
  private static final String BUILT_IN = "policy/default-policy.json";

  /** What is in force, where it came from and when. */
  public record Snapshot(PolicyEngine engine, String document, String source, Instant loadedAt) {}

  /** A refused reload: the file, when, and every mistake. */
  public record Refusal(String source, Instant at, List<PolicyError> errors) {}

  /** Fired after a policy change was applied or refused (audit, metrics). */
  public record Changed(Snapshot previous, Snapshot current, Refusal refusal) {}

  private final PolicyConfig config;
  private final MeterRegistry metrics;
  private final Event<Changed> changes;
  private volatile Snapshot current;
  private volatile Refusal lastRefusal;
  private volatile String lastSeenContent;

  @Inject
  public ActivePolicy(PolicyConfig config, MeterRegistry metrics, Event<Changed> changes) {
    this.config = config;
    this.metrics = metrics;
    this.changes = changes;
    String document = read();
    PolicyParseResult result = PolicyParser.parse(document);
    if (result instanceof PolicyParseResult.Invalid invalid) {
      // Nothing to fall back to at start: refuse to run rather than run without a policy.
      throw new IllegalStateException(
          "Policy "
              + source()
              + " is invalid:\n  "
              + String.join("\n  ", invalid.errors().stream().map(PolicyError::toString).toList()));
    }
    current =
        new Snapshot(
            new PolicyEngine(((PolicyParseResult.Valid) result).policy()),
            document,
            source(),
            Instant.now());
    lastSeenContent = document;
    LOG.infof(
        "Policy %s loaded (version %s)",
        source(), current.engine().policy().hash().substring(0, 12));
  }

  void watch(@Observes StartupEvent event, Vertx vertx) {
    if (config.path().isPresent()) {
      vertx.setPeriodic(
          config.reloadInterval().toMillis(),
          t ->
              vertx.executeBlocking(
                  () -> {
                    reloadIfChanged();
                    return null;
                  },
                  false));
    }
  }

  public PolicyEngine engine() {
    return current.engine();
  }

  public Snapshot snapshot() {
    return current;
  }

  public Refusal lastRefusal() {
    return lastRefusal;
  }

  /** Re-reads the file; applies it if valid and different. Returns the refusal, if any. */
  public synchronized Refusal reloadIfChanged() {
    String document;
    try {
      document = read();
    } catch (IllegalStateException e) {
      return refuse(List.of(new PolicyError("$", 0, 0, e.getMessage())), null);
    }
    if (document.equals(lastSeenContent)) {
      return null;
    }
    lastSeenContent = document;
    PolicyParseResult result = PolicyParser.parse(document);
    if (result instanceof PolicyParseResult.Invalid invalid) {
      return refuse(invalid.errors(), document);
    }
    Snapshot previous = current;
    current =
        new Snapshot(
            new PolicyEngine(((PolicyParseResult.Valid) result).policy()),
            document,
            source(),
            Instant.now());
    lastRefusal = null;
    metrics.counter("airlock_policy_reloads_total", "result", "ok").increment();
    LOG.infof(
        "Policy %s reloaded (version %s)",
        source(), current.engine().policy().hash().substring(0, 12));
    changes.fire(new Changed(previous, current, null));
    return null;
  }

  private Refusal refuse(List<PolicyError> errors, String document) {
    Refusal refusal = new Refusal(source(), Instant.now(), errors);
    lastRefusal = refusal;
    metrics.counter("airlock_policy_reloads_total", "result", "refused").increment();
    LOG.errorf(
        "Policy change in %s refused; the previous policy stays in force:\n  %s",
        source(), String.join("\n  ", errors.stream().map(PolicyError::toString).toList()));
    changes.fire(new Changed(current, current, refusal));
    return refusal;
  }

  private String source() {
    return config.path().orElse("classpath:" + BUILT_IN);
  }

  private String read() {
    try {
      if (config.path().isPresent()) {
        return Files.readString(Path.of(config.path().get()), StandardCharsets.UTF_8);
      }
      try (InputStream in =
          Thread.currentThread().getContextClassLoader().getResourceAsStream(BUILT_IN)) {
        if (in == null) {
          throw new IllegalStateException("built-in policy " + BUILT_IN + " is missing");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read policy " + source() + ": " + e.getMessage(), e);
    }
  }
}
