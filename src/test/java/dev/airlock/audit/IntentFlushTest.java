package dev.airlock.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.airlock.bench.BenchDatabase;
import dev.airlock.embedded.EmbeddedPostgres;
import dev.airlock.testing.Rows;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An intent is committed before its call is forwarded but, by default, not flushed: until the
 * database's log is on disk past it, the writer keeps it and spools it if the database fails, so a
 * crash of PostgreSQL alone loses no intent. A crash's loss of an unflushed commit is modelled by
 * deleting the intent's row before the database goes away (PostgreSQL documents that loss; when it
 * happens depends on its WAL writer's timing, which a test cannot pin).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IntentFlushTest {

  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

  @TempDir static Path dir;
  private EmbeddedPostgres postgres;
  private AgroalDataSource pool;
  private Path spoolDir;
  private AuditSpool spool;
  private AuditLog log;

  @BeforeAll
  void startDatabase() throws SQLException {
    // A fixed port: the pool's URL must still point at the server after a restart.
    postgres = new EmbeddedPostgres(dir.resolve("postgres"), freePort()).start();
    pool = BenchDatabase.pool(postgres, 4);
    Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
  }

  @AfterAll
  void stopDatabase() {
    pool.close();
    postgres.stop();
  }

  @BeforeEach
  void newLog() throws IOException {
    spoolDir = Files.createTempDirectory(dir, "spool-");
    spool = new AuditSpool(spoolDir, JSON, pool);
  }

  @AfterEach
  void stopLog() throws InterruptedException {
    postgres.start();
    pool.flush(AgroalDataSource.FlushMode.IDLE);
    if (log != null) {
      log.stop(null);
    }
  }

  private AuditLog log(boolean flushBeforeForward) {
    log =
        new AuditLog(
            pool, JSON, spool, new SimpleMeterRegistry(), Duration.ZERO, flushBeforeForward);
    return log;
  }

  @Test
  void intentsTheDatabaseMayNotHaveFlushedGoToTheSpoolWhenItFails() throws Exception {
    AuditLog log = log(false);
    String committed = record(log);
    // The database crashes before its log reached the disk: the committed intent is gone with it.
    execute("delete from audit_intent where id = '" + committed + "'");
    postgres.stop();

    String next = record(log);

    assertThat(spooledIntents()).containsExactlyInAnyOrder(next, committed);
    postgres.start();
    pool.flush(AgroalDataSource.FlushMode.IDLE);
    spool.replay();
    assertThat(storedIntents()).contains(committed, next);
  }

  @Test
  void anIntentALaterSynchronousCommitFlushedIsNotSpooledAgain() throws Exception {
    AuditLog log = log(false);
    record(log);
    // Any event's commit waits for the disk, and the log is flushed up to it.
    log.appendAsync(entry(), UUID.randomUUID().toString())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    postgres.stop();

    String next = record(log);

    assertThat(spooledIntents()).containsExactly(next);
  }

  @Test
  void withTheFlushBeforeForwardingTheWriterHoldsNothingBack() throws Exception {
    AuditLog log = log(true);
    record(log);
    postgres.stop();

    String next = record(log);

    assertThat(spooledIntents()).containsExactly(next);
  }

  @Test
  void aHeldConnectionLostToADatabaseRestartIsReplacedWithoutSpooling() throws Exception {
    AuditLog log = log(false);
    record(log);
    postgres.stop();
    postgres.start();
    // The test's own reads must not meet the pool's idle connections to the server that stopped;
    // the writer's held one is not idle and stays as the restart left it.
    pool.flush(AgroalDataSource.FlushMode.IDLE);

    String afterRestart = record(log);

    assertThat(storedIntents()).contains(afterRestart);
    assertThat(spooledIntents()).isEmpty();
  }

  @Test
  void theIntentSessionDefersItsFlushAndGivesThePoolBackASessionThatDoesNot() throws Exception {
    try (AgroalDataSource single = BenchDatabase.pool(postgres, 1)) {
      IntentWriter deferred = new IntentWriter(single, new ChainAppend(JSON), false);
      assertThat(deferred.sessionSynchronousCommit()).isEqualTo("off");
      deferred.discardConnection();
      assertThat(synchronousCommitOf(single)).isEqualTo("on");

      IntentWriter flushed = new IntentWriter(single, new ChainAppend(JSON), true);
      assertThat(flushed.sessionSynchronousCommit()).isEqualTo("on");
      flushed.discardConnection();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String synchronousCommitOf(AgroalDataSource pool) throws SQLException {
    return Rows.strings(pool, "select current_setting('synchronous_commit')").get(0);
  }

  private static String record(AuditLog log) throws Exception {
    String id = UUID.randomUUID().toString();
    log.recordIntent(id, entry()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    return id;
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private List<String> storedIntents() throws SQLException {
    return Rows.strings(pool, "select id from audit_intent");
  }

  private List<String> spooledIntents() throws IOException {
    List<String> ids = new ArrayList<>();
    try (Stream<Path> files = Files.list(spoolDir)) {
      for (Path file : files.toList()) {
        for (String line : Files.readAllLines(file)) {
          AuditSpool.Line kept = JSON.readValue(line, AuditSpool.Line.class);
          if ("intent".equals(kept.type())) {
            ids.add(kept.id());
          }
        }
      }
    }
    return ids;
  }

  private static AuditEntry entry() {
    return new AuditEntry(
        "call",
        UUID.randomUUID().toString(),
        "agent-1",
        "grant-1",
        "owner@example.org",
        "session-1",
        "healthomics",
        "CancelAHORunBatch",
        "0".repeat(64),
        JsonNodeFactory.instance.objectNode().put("batchId", "b-1"),
        "p".repeat(64),
        "default",
        "allow",
        null,
        null,
        null,
        null,
        null,
        "unknown",
        null,
        Instant.now());
  }
}
