package dev.airlock.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.airlock.testing.McpTestClient;
import dev.airlock.testing.Rows;
import dev.airlock.testing.ScriptedUpstream;
import dev.airlock.upstream.Upstreams;
import dev.airlock.upstream.http.HttpUpstream;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A forwarded call's audit survives a crash at any instant: intents, recovery, the spool. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditIntentTest {

  @Inject AgroalDataSource dataSource;
  @Inject AuditTrail trail;
  @Inject AuditIntentRecovery recovery;
  @Inject AuditSpool spool;
  @Inject AuditChain chain;
  @Inject AuditConfig config;
  @Inject Upstreams upstreams;
  @Inject Vertx vertx;
  @Inject MeterRegistry registry;

  @Test
  void theDatabaseCommitsDurablyAsProductionDoes() throws Exception {
    // An intent is "durable" only if the commit reached the disk: the embedded server must not
    // run with zonky's throwaway-database settings.
    assertThat(Rows.strings(dataSource, "select current_setting('fsync')")).containsExactly("on");
    assertThat(Rows.strings(dataSource, "select current_setting('synchronous_commit')"))
        .containsExactly("on");
  }

  @TestHTTPResource("/mcp/audit-scripted")
  URL gateway;

  private ScriptedUpstream upstream;

  @BeforeAll
  void startUpstream() throws Exception {
    upstream = new ScriptedUpstream(vertx);
    upstreams.register(
        new HttpUpstream(
            "audit-scripted",
            upstream.url(),
            Map.of(),
            Duration.ofSeconds(3),
            Duration.ofSeconds(1),
            vertx));
  }

  @AfterAll
  void stopUpstream() {
    upstream.close();
  }

  @Test
  void aCallIsRecordedDurablyWhileTheUpstreamWorksOnItAndSettledWhenItEnds() throws Exception {
    // Given: a call the upstream never answers (the relay's 3 s timeout ends it)
    String marker = UUID.randomUUID().toString();
    long intentWaitsBefore = intentWaits();
    long settleWaitsBefore = waits("settle");
    McpTestClient client = new McpTestClient(gateway.toString(), null).initialize();
    CompletableFuture<JsonNode> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return client.callTool("hang", "{\"marker\":\"" + marker + "\"}");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });

    // When: the upstream has it
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> upstream.received.stream().anyMatch(m -> m.toString().contains(marker)));

    // Then: its intent is already in the database, recording what a crash now would leave
    assertThat(intentsMentioning(marker)).hasSize(1);
    assertThat(intentWaits()).isGreaterThan(intentWaitsBefore);
    JsonNode ifLost = JSON.readTree(intentsMentioning(marker).get(0));
    assertThat(ifLost.path("outcome").asText()).isEqualTo("unknown");
    assertThat(ifLost.path("tool").asText()).isEqualTo("hang");

    // And when the call ends, its event (in the group commit after the answer) carries the
    // intent's id, which settles it: the writer hands the id over and the sweep deletes the intent
    String intentId = intentIdsMentioning(marker).get(0);
    JsonNode finished = answer.get(20, TimeUnit.SECONDS);
    assertThat(finished.toString()).contains("no response within");
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(outcomesOfSession(client.session())).containsExactly("upstream_error");
              // and the metric counts it as an event nobody waited for
              assertThat(waits("settle")).isGreaterThan(settleWaitsBefore);
            });
    assertThat(eventIdsOfSession(client.session())).containsExactly(intentId);
    recovery.deleteSettled();
    assertThat(intentsMentioning(marker)).isEmpty();
    assertThat(outcomesOfSession(client.session())).containsExactly("upstream_error");
  }

  /** Intents made durable so far, as the metric operators watch counts them. */
  private long intentWaits() {
    return waits("intent");
  }

  private long waits(String write) {
    var timer = registry.find("airlock_audit_write_wait").tag("write", write).timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void aCallAnsweredByAGuardLeavesNoIntent() throws Exception {
    McpTestClient client =
        new McpTestClient(gateway.toString().replace("audit-scripted", "healthomics"), null)
            .initialize();
    String marker = UUID.randomUUID().toString();

    client.callTool("DeleteAHORunBatch", "{\"runIds\":[\"" + marker + "\"]}");

    assertThat(intentsMentioning(marker)).isEmpty();
    assertThat(outcomesOfSession(client.session())).containsExactly("answered_by_guard");
  }

  @Test
  void anIntentNobodySettledBecomesAnEventWithOutcomeUnknown() throws Exception {
    // Given: a replica recorded an intent, then stopped
    String session = "crashed-" + UUID.randomUUID();
    String intent = UUID.randomUUID().toString();
    trail
        .recordIntent(intent, entry(session, "unknown"))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    // When: the grace period has passed
    int recovered = recovery.recoverOlderThan(Instant.now().plusSeconds(1));

    // Then
    assertThat(recovered).isGreaterThanOrEqualTo(1);
    assertThat(outcomesOfSession(session)).containsExactly("unknown");
    assertThat(intentsMentioning(session)).isEmpty();
    assertThat(recovery.recoverOlderThan(Instant.now().plusSeconds(1))).isZero();
    assertThat(chain.verify(null, null).ok()).isTrue();
  }

  @Test
  void aFreshIntentIsNotTakenForLost() throws Exception {
    String session = "in-flight-" + UUID.randomUUID();
    trail
        .recordIntent(UUID.randomUUID().toString(), entry(session, "unknown"))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    recovery.recoverOlderThan(Instant.now().minus(config.intentGrace()));

    assertThat(outcomesOfSession(session)).isEmpty();
    assertThat(intentsMentioning(session)).hasSize(1);
    recovery.recoverOlderThan(Instant.now().plusSeconds(1)); // leave nothing behind
  }

  @Test
  void spooledWritesAreReplayedIntoTheChainExactlyOnce() throws Exception {
    // Given: writes the database could not take, on local disk
    String settled = "spooled-" + UUID.randomUUID();
    String orphan = "spooled-orphan-" + UUID.randomUUID();
    String settledIntent = UUID.randomUUID().toString();
    spool.keep(
        List.of(
            new AuditWrite.Intent(settledIntent, Instant.now(), entry(settled, "unknown")),
            new AuditWrite.Event(entry(settled, "ok"), settledIntent),
            new AuditWrite.Intent(
                UUID.randomUUID().toString(), Instant.now(), entry(orphan, "unknown"))));

    // When
    int replayed = spool.replay();

    // Then: the settled call has its event, the orphan's intent awaits recovery, the file is gone
    assertThat(replayed).isEqualTo(3);
    assertThat(outcomesOfSession(settled)).containsExactly("ok");
    assertThat(intentsMentioning(orphan)).hasSize(1);
    try (var files = Files.list(Path.of(config.spoolDir()))) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("audit-"))).isEmpty();
    }
    assertThat(spool.replay()).isZero();
    assertThat(outcomesOfSession(settled)).containsExactly("ok");
    // and past the grace, the orphan is recorded as lost, the settled call's intent only deleted
    recovery.recoverOlderThan(Instant.now().plusSeconds(1));
    assertThat(intentsMentioning(settled)).isEmpty();
    assertThat(outcomesOfSession(settled)).containsExactly("ok");
    assertThat(outcomesOfSession(orphan)).containsExactly("unknown");
    assertThat(chain.verify(null, null).ok()).isTrue();
  }

  @Test
  void anIntentReplayedAfterItsEventReachedTheDatabaseIsSettledNotLost() throws Exception {
    // Given: the database refused a call's intent (it went to the spool), then took its event
    String session = "split-" + UUID.randomUUID();
    String callId = UUID.randomUUID().toString();
    spool.keep(List.of(new AuditWrite.Intent(callId, Instant.now(), entry(session, "unknown"))));
    trail.appendAsync(entry(session, "ok"), callId).toCompletableFuture().get(10, TimeUnit.SECONDS);

    // When: the spool is replayed and the grace period has long passed
    spool.replay();
    assertThat(intentsMentioning(session)).hasSize(1);
    int lost = recovery.recoverOlderThan(Instant.now().plusSeconds(1));

    // Then: the intent is cleared and the call keeps its one event
    assertThat(lost).isZero();
    assertThat(intentsMentioning(session)).isEmpty();
    assertThat(outcomesOfSession(session)).containsExactly("ok");
    assertThat(chain.verify(null, null).ok()).isTrue();
  }

  @Test
  void aSpooledEventThatWasCommittedAfterAllAddsNothingWhenReplayed() throws Exception {
    // Given: a call's event in the chain, and the same event in the spool (its batch committed
    // although the writer saw an error, so the writer kept it on disk too)
    String session = "twice-" + UUID.randomUUID();
    String callId = UUID.randomUUID().toString();
    trail.appendAsync(entry(session, "ok"), callId).toCompletableFuture().get(10, TimeUnit.SECONDS);
    spool.keep(List.of(new AuditWrite.Event(entry(session, "ok"), callId)));

    // When
    int replayed = spool.replay();

    // Then: the file is replayed (not stuck on the duplicate) and the call keeps one event
    assertThat(replayed).isEqualTo(1);
    assertThat(eventIdsOfSession(session)).containsExactly(callId);
    assertThat(chain.verify(null, null).ok()).isTrue();
  }

  @Test
  void aSpoolFileTheDatabaseRefusesDoesNotHoldBackTheOthers() throws Exception {
    // Given: a damaged spool file, and a good one
    Path damaged =
        Path.of(config.spoolDir()).resolve("audit-damaged-" + UUID.randomUUID() + ".jsonl");
    Files.createDirectories(damaged.getParent());
    Files.writeString(damaged, "{not json\n");
    // written before the good one, so replayed before it
    Files.setLastModifiedTime(damaged, FileTime.from(Instant.now().minusSeconds(60)));
    String session = "after-damaged-" + UUID.randomUUID();
    spool.keep(List.of(new AuditWrite.Event(entry(session, "ok"), UUID.randomUUID().toString())));

    try {
      // When
      int replayed = spool.replay();

      // Then: the good file is replayed (by this call, or by the scheduled replay every 5 s that
      // may have run first: either way past the damaged one), the damaged one stays for an operator
      assertThat(replayed).isBetween(0, 1);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(outcomesOfSession(session)).containsExactly("ok"));
      assertThat(damaged).exists();
    } finally {
      Files.deleteIfExists(damaged);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static AuditEntry entry(String session, String outcome) {
    return new AuditEntry(
        "call",
        UUID.randomUUID().toString(),
        "agent-1",
        null,
        "owner@example.org",
        session,
        "healthomics",
        "ListAHORuns",
        "0".repeat(64),
        JsonNodeFactory.instance.objectNode().put("maxResults", 1),
        null,
        "default",
        "allow",
        null,
        null,
        null,
        null,
        null,
        outcome,
        null,
        Instant.now());
  }

  private List<String> intentsMentioning(String text) throws Exception {
    return strings("select entry from audit_intent where entry like ?", "%" + text + "%");
  }

  private List<String> intentIdsMentioning(String text) throws Exception {
    return strings("select id from audit_intent where entry like ?", "%" + text + "%");
  }

  private List<String> eventIdsOfSession(String session) throws Exception {
    return strings(
        "select id from audit_event where session_id = ? and kind = 'call' order by seq", session);
  }

  private List<String> outcomesOfSession(String session) throws Exception {
    return strings(
        "select outcome from audit_event where session_id = ? and kind = 'call' order by seq",
        session);
  }

  /** The first column of a query with one parameter. */
  private List<String> strings(String sql, String parameter) throws Exception {
    return Rows.strings(dataSource, sql, parameter);
  }
}
