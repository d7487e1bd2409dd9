package dev.airlock.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.approval.Redaction;
import dev.airlock.guard.CallId;
import dev.airlock.guard.CallObserver;
import dev.airlock.guard.CallRecord;
import dev.airlock.policy.CanonicalJson;
import dev.airlock.policy.Decision;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One audit event per {@code tools/call}, whatever became of it. */
@ApplicationScoped
public class AuditCallObserver implements CallObserver {

  /** The one key of the arguments an event keeps in place of ones too large for it. */
  static final String OMITTED = "airlock/omitted";

  @Inject AuditTrail trail;
  @Inject AuditConfig config;

  @Override
  public CompletionStage<Void> beforeForward(CallRecord ifLost) {
    if (!config.intentBeforeForward()) {
      return CompletableFuture.completedFuture(null);
    }
    return trail.recordIntent(callId(ifLost), entry(ifLost));
  }

  /**
   * A forwarded call already has a durable intent, so by default the agent need not wait for its
   * event: the event settles the intent in the next group commit, and should Airlock stop first,
   * the intent becomes the event (outcome {@code unknown}). Any other call (a guard answered it, or
   * intents are off) is answered once its event is durable.
   *
   * <p>A forwarded call's event carries the call's id, which settles its intent: a call goes
   * upstream at most once. An event for a call a guard answered gets a fresh id, since one call can
   * have several (a task's immediate answer, then the released call).
   */
  @Override
  public CompletionStage<Void> onCallFinished(CallRecord record) {
    if (record.forwarded() == null) {
      return trail.appendAsync(entry(record), null);
    }
    if (config.intentBeforeForward() && !config.outcomeBeforeAnswer()) {
      trail.settleLater(entry(record), callId(record));
      return CompletableFuture.completedFuture(null);
    }
    return trail.appendAsync(entry(record), callId(record));
  }

  private static String callId(CallRecord record) {
    return record.context().get(CallId.class).map(CallId::value).orElseThrow();
  }

  /**
   * A call's arguments as the audit keeps them, computed once per call: a forwarded call's intent
   * and its event carry the same ones. Never mutated once built.
   */
  record AuditedArguments(ObjectNode redacted, String digest) {}

  private AuditedArguments arguments(CallRecord record, Decision decision) {
    Optional<AuditedArguments> known = record.context().get(AuditedArguments.class);
    if (known.isPresent()) {
      return known.get();
    }
    CanonicalJson.Measured measured = CanonicalJson.measure(record.call().arguments());
    ObjectNode kept;
    if (measured.bytes() > config.maxArgumentsBytes()) {
      kept = omitted(measured.bytes());
    } else {
      List<String> pointers = new ArrayList<>();
      if (decision instanceof Decision.Park park) {
        pointers.addAll(park.approval().redact());
      }
      kept = Redaction.apply(record.call().arguments(), pointers);
      maskNamed(kept, Set.copyOf(config.redact()));
    }
    AuditedArguments computed = new AuditedArguments(kept, measured.sha256());
    record.context().put(AuditedArguments.class, computed);
    return computed;
  }

  /** What an event keeps of arguments too large for it. */
  private ObjectNode omitted(int bytes) {
    ObjectNode marker = JsonNodeFactory.instance.objectNode();
    marker.putObject(OMITTED).put("bytes", bytes).put("limit", config.maxArgumentsBytes());
    return marker;
  }

  AuditEntry entry(CallRecord record) {
    Decision decision = record.context().get(Decision.class).orElse(null);
    AuditedArguments audited = arguments(record, decision);
    ObjectNode arguments = audited.redacted();
    ObjectNode details = null;
    if (record.forwarded() != null
        && !record.forwarded().arguments().equals(record.call().arguments())) {
      details = arguments.objectNode();
      ObjectNode edited = record.forwarded().arguments().deepCopy();
      maskNamed(edited, Set.copyOf(config.redact()));
      details.set("forwardedArguments", edited);
    }
    return new AuditEntry(
        "call",
        record.context().decisionId(),
        record.call().caller().agent(),
        record.call().caller().grantId(),
        record.call().caller().owner(),
        record.call().sessionId(),
        record.call().upstream(),
        record.call().tool(),
        audited.digest(),
        arguments,
        decision == null ? null : decision.policyVersion(),
        decision == null ? null : decision.ruleId(),
        decisionName(decision),
        record.detail(),
        null,
        null,
        null,
        record.upstreamLatency() == null ? null : record.upstreamLatency().toMillis(),
        record.outcome().name().toLowerCase(Locale.ROOT),
        details,
        record.startedAt());
  }

  static String decisionName(Decision decision) {
    if (decision == null) {
      return null;
    }
    return decision.enforced() ? decision.label() : "monitor:" + decision.label();
  }

  /** Masks every field with one of these names, at any depth. */
  static void maskNamed(JsonNode node, Set<String> names) {
    if (node instanceof ObjectNode object) {
      Iterator<String> fields = object.fieldNames();
      List<String> toMask = new ArrayList<>();
      while (fields.hasNext()) {
        String field = fields.next();
        if (names.contains(field)) {
          toMask.add(field);
        } else {
          maskNamed(object.get(field), names);
        }
      }
      toMask.forEach(field -> object.put(field, Redaction.MASK));
    } else if (node != null && node.isArray()) {
      node.forEach(element -> maskNamed(element, names));
    }
  }
}
