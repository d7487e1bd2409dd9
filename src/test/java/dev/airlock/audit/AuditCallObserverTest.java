package dev.airlock.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.guard.CallId;
import dev.airlock.guard.CallOutcome;
import dev.airlock.guard.CallRecord;
import dev.airlock.guard.Caller;
import dev.airlock.guard.GuardContext;
import dev.airlock.guard.ToolCall;
import dev.airlock.policy.CanonicalJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** When the agent's answer waits for the audit, and what the audit is told. */
class AuditCallObserverTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aForwardedCallIsAnsweredWithoutWaitingForItsEventWhenItsIntentIsDurable() {
    RecordingTrail trail = new RecordingTrail();
    AuditCallObserver observer = observer(trail, true, false);

    CompletionStage<Void> answerMayGo = observer.onCallFinished(forwarded(CallOutcome.OK));

    assertThat(answerMayGo.toCompletableFuture()).isDone();
    assertThat(trail.settledLater).containsExactly("call-1");
    assertThat(trail.settled).isEmpty();
    assertThat(trail.pending).hasSize(1).allMatch(stage -> !stage.isDone());
  }

  @Test
  void aForwardedCallWaitsForItsEventWhenTheOutcomeMustBeDurableFirst() {
    RecordingTrail trail = new RecordingTrail();
    AuditCallObserver observer = observer(trail, true, true);

    CompletionStage<Void> answerMayGo = observer.onCallFinished(forwarded(CallOutcome.OK));

    assertThat(answerMayGo.toCompletableFuture()).isNotDone();
    assertThat(trail.settledLater).isEmpty();
    trail.pending.get(0).complete(null);
    assertThat(answerMayGo.toCompletableFuture()).isDone();
  }

  @Test
  void withoutIntentsAForwardedCallWaitsForItsEvent() {
    RecordingTrail trail = new RecordingTrail();
    AuditCallObserver observer = observer(trail, false, false);

    CompletionStage<Void> answerMayGo = observer.onCallFinished(forwarded(CallOutcome.OK));

    assertThat(answerMayGo.toCompletableFuture()).isNotDone();
    assertThat(observer.beforeForward(forwarded(CallOutcome.UNKNOWN)).toCompletableFuture())
        .isDone();
    assertThat(trail.intents).isEmpty();
  }

  @Test
  void aCallAGuardAnsweredAlwaysWaitsForItsEvent() {
    RecordingTrail trail = new RecordingTrail();
    AuditCallObserver observer = observer(trail, true, false);

    CompletionStage<Void> answerMayGo =
        observer.onCallFinished(record(null, CallOutcome.ANSWERED_BY_GUARD));

    assertThat(answerMayGo.toCompletableFuture()).isNotDone();
    // under a fresh id: a call a guard answered may have another event (a task, then its release)
    assertThat(trail.settled).containsExactly((String) null);
  }

  @Test
  void theIntentIsWhatACrashWouldLeaveAndTheForwardWaitsForIt() {
    RecordingTrail trail = new RecordingTrail();
    AuditCallObserver observer = observer(trail, true, false);

    CompletionStage<Void> mayForward = observer.beforeForward(forwarded(CallOutcome.UNKNOWN));

    assertThat(mayForward.toCompletableFuture()).isNotDone();
    assertThat(trail.intents).containsOnlyKeys("call-1");
    assertThat(trail.intents.get("call-1").outcome()).isEqualTo("unknown");
    assertThat(trail.intents.get("call-1").arguments().toString()).doesNotContain("hunter2");
  }

  @Test
  void argumentsOverTheLimitAreOmittedFromTheEventAndStillIdentifiedByTheirDigest() {
    // Given: arguments of 100 bytes, over the test limit of 64
    AuditCallObserver observer = observer(new RecordingTrail(), true, false);
    ObjectNode arguments = JSON.createObjectNode().put("blob", "x".repeat(89));
    ToolCall large = call().withArguments(arguments);

    // When
    AuditEntry entry = observer.entry(record(large, large, CallOutcome.OK));

    // Then
    assertThat(entry.arguments().toString())
        .isEqualTo("{\"airlock/omitted\":{\"bytes\":100,\"limit\":64}}");
    assertThat(entry.argumentsDigest()).isEqualTo(CanonicalJson.sha256(arguments)).hasSize(64);
  }

  @Test
  void argumentsWithinTheLimitAreKeptRedacted() {
    AuditCallObserver observer = observer(new RecordingTrail(), true, false);

    AuditEntry entry = observer.entry(forwarded(CallOutcome.OK));

    assertThat(entry.arguments().path("maxResults").asInt()).isEqualTo(2);
    assertThat(entry.arguments().path("password").asText()).isNotEqualTo("hunter2");
  }

  private static AuditCallObserver observer(
      AuditTrail trail, boolean intentBeforeForward, boolean outcomeBeforeAnswer) {
    AuditCallObserver observer = new AuditCallObserver();
    observer.trail = trail;
    observer.config = new Config(intentBeforeForward, outcomeBeforeAnswer);
    return observer;
  }

  private static CallRecord forwarded(CallOutcome outcome) {
    return record(call(), outcome);
  }

  private static CallRecord record(ToolCall forwarded, CallOutcome outcome) {
    return record(call(), forwarded, outcome);
  }

  private static CallRecord record(ToolCall call, ToolCall forwarded, CallOutcome outcome) {
    return new CallRecord(
        call,
        forwarded,
        new MapContext(),
        outcome,
        null,
        null,
        Instant.now(),
        Duration.ofMillis(3),
        forwarded == null ? null : Duration.ofMillis(2));
  }

  private static ToolCall call() {
    ObjectNode arguments = JSON.createObjectNode().put("maxResults", 2).put("password", "hunter2");
    ObjectNode params = JSON.createObjectNode().put("name", "ListAHORuns");
    params.set("arguments", arguments);
    return new ToolCall(
        "healthomics",
        "s-1",
        Caller.ANONYMOUS,
        "ListAHORuns",
        arguments,
        params,
        null,
        "2025-11-25");
  }

  /** Keeps what it was asked to write; nothing is ever committed unless the test says so. */
  private static final class RecordingTrail implements AuditTrail {
    final List<CompletableFuture<Void>> pending = new ArrayList<>();
    final List<String> settled = new ArrayList<>();
    final List<String> settledLater = new ArrayList<>();
    final Map<String, AuditEntry> intents = new HashMap<>();

    @Override
    public void append(AuditEntry entry) {}

    @Override
    public CompletionStage<Void> appendAsync(AuditEntry entry) {
      return appendAsync(entry, null);
    }

    @Override
    public CompletionStage<Void> appendAsync(AuditEntry entry, String callId) {
      settled.add(callId);
      return uncommitted();
    }

    @Override
    public CompletionStage<Void> settleLater(AuditEntry entry, String intentId) {
      settledLater.add(intentId);
      return uncommitted();
    }

    private CompletionStage<Void> uncommitted() {
      CompletableFuture<Void> stage = new CompletableFuture<>();
      pending.add(stage);
      return stage;
    }

    @Override
    public CompletionStage<Void> recordIntent(String intentId, AuditEntry ifLost) {
      intents.put(intentId, ifLost);
      return new CompletableFuture<>();
    }
  }

  private static final class MapContext implements GuardContext {
    private final Map<Class<?>, Object> values = new HashMap<>();

    MapContext() {
      values.put(CallId.class, new CallId("call-1"));
    }

    @Override
    public void holdOpen() {}

    @Override
    public boolean wantsProgress() {
      return false;
    }

    @Override
    public void progress(String message) {}

    @Override
    public void notifyClient(ObjectNode notification) {}

    @Override
    public void onWithdrawn(Runnable action) {}

    @Override
    public CompletionStage<ObjectNode> callUpstream(ToolCall call) {
      throw new UnsupportedOperationException();
    }

    @Override
    public <T> void put(Class<T> type, T value) {
      values.put(type, value);
    }

    @Override
    public <T> Optional<T> get(Class<T> type) {
      return Optional.ofNullable(type.cast(values.get(type)));
    }
  }

  private record Config(boolean intentBeforeForward, boolean outcomeBeforeAnswer)
      implements AuditConfig {
    @Override
    public boolean intentFlushBeforeForward() {
      return false;
    }

    @Override
    public Duration retention() {
      return Duration.ofDays(365);
    }

    @Override
    public List<String> redact() {
      return List.of("password");
    }

    @Override
    public Duration publishInterval() {
      return Duration.ofSeconds(1);
    }

    @Override
    public Duration publishWindow() {
      return Duration.ofMillis(50);
    }

    @Override
    public Duration settleLinger() {
      return Duration.ofMillis(20);
    }

    @Override
    public String spoolDir() {
      return "unused";
    }

    @Override
    public Duration intentGrace() {
      return Duration.ofMinutes(10);
    }

    @Override
    public int maxArgumentsBytes() {
      return 64;
    }
  }
}
