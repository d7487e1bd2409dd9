package dev.airlock.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.kafka.AcknowledgedBatch;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes committed audit events to {@code airlock.audit} (key: agent) for SIEM pipelines. The
 * published position moves past an event only after Kafka acknowledged it, so an outage delays,
 * never loses.
 *
 * <p>A commit of call events asks for a run within {@code airlock.audit.publish-window}, so under
 * load the trail goes out in batches a few times a second; the scheduled run catches up on the rest
 * (other replicas' events, decisions, a backlog after an outage). Quarkus's scheduler checks its
 * triggers once a second, so no scheduled job runs more often than that: publishing only from it
 * sent a second's events in one burst, and the relay's p99 paid for the burst.
 */
@ApplicationScoped
public class AuditPublisher {

  private static final int BATCH = 500;
  private static final int MAX_BATCHES_PER_RUN = 20;

  /** The last event Kafka acknowledged, in chain order; retention deletes nothing past it. */
  static final String PUBLISHED_POSITION =
      "select last_seq from audit_publish_position where id = 1";

  @Inject AgroalDataSource dataSource;

  @Inject
  @Channel("audit-out")
  Emitter<String> emitter;

  @Inject ObjectMapper json;

  @Inject AuditConfig config;

  // One thread runs every publication, so a run never overlaps another on this replica.
  private final ScheduledExecutorService runner =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("audit-publisher"));
  private final AtomicBoolean runRequested = new AtomicBoolean();
  // When the last run that left nothing to publish started (System.nanoTime); only runner writes.
  private volatile long lastDrainedAt = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
  // Before start-up has finished the Kafka emitter is not wired.
  private volatile boolean started;

  // Committed events Kafka has not acknowledged yet: how far a SIEM reading the topic is behind.
  private final AtomicLong unpublished = new AtomicLong();

  @Inject
  void registerBacklog(MeterRegistry registry) {
    registry.gauge("airlock_audit_unpublished_events", unpublished);
  }

  @Scheduled(
      every = "10s",
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void countBacklog() {
    try {
      unpublished.set(backlog());
    } catch (SQLException e) {
      // database away: keep the last value
    }
  }

  /** Committed events past the published position. */
  long backlog() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (Statement serial = connection.createStatement();
          PreparedStatement count =
              connection.prepareStatement(
                  "select count(*) from audit_event where seq > (" + PUBLISHED_POSITION + ")")) {
        // Without this PostgreSQL plans a parallel scan (it cannot tell the range is short) and
        // starts two worker processes every 10 s, which slowed the calls in flight on 2 cores.
        serial.execute("set local max_parallel_workers_per_gather = 0");
        try (ResultSet row = count.executeQuery()) {
          row.next();
          return row.getLong(1);
        }
      } finally {
        connection.rollback(); // read only
        connection.setAutoCommit(true);
      }
    }
  }

  @Scheduled(
      every = "${airlock.audit.publish-interval:1s}",
      // Not before start-up has finished: until then the Kafka emitter is not wired.
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    // Under load the runs after commits drain the trail (every replica's events) several times a
    // second; a catch-up on top would only add a batch.
    if (lastDrainedAt > System.nanoTime() - config.publishInterval().toNanos()) {
      return;
    }
    try {
      // Not through runRequested: a commit's pending request must not hold the catch-up back.
      runner.execute(this::run);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  /** Events were committed: publish them within the window, together with any committed since. */
  void committed() {
    if (started && runRequested.compareAndSet(false, true)) {
      try {
        runner.schedule(this::run, config.publishWindow().toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        runRequested.set(false); // shutting down; the next start publishes from the position
      }
    }
  }

  private void run() {
    // Cleared first: a commit during this run asks for the next one.
    runRequested.set(false);
    long startedAt = System.nanoTime();
    try {
      // A backlog (after a burst or an outage) drains in one run, a bounded number of batches.
      for (int batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
        if (publish(BATCH) < BATCH) {
          lastDrainedAt = startedAt;
          return;
        }
      }
    } catch (RuntimeException e) {
      // Kafka or the database is away; the next tick retries.
    }
  }

  void start(@Observes StartupEvent event) {
    started = true;
  }

  void stop(@Observes ShutdownEvent event) throws InterruptedException {
    started = false;
    runner.shutdown();
    runner.awaitTermination(5, TimeUnit.SECONDS);
  }

  /**
   * Publishes up to {@code max} events after the published position, in chain order: all sent at
   * once, then their acknowledgements awaited, and the position moved past the acknowledged ones.
   * Holding the position's row lock while doing so keeps replicas from publishing the same events;
   * a replica that finds it locked skips its turn.
   */
  int publish(int max) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        int published = publish(connection, max);
        connection.commit();
        return published;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private int publish(Connection connection, int max) throws SQLException {
    long position;
    try (PreparedStatement lock =
            connection.prepareStatement(PUBLISHED_POSITION + " for update skip locked");
        ResultSet row = lock.executeQuery()) {
      if (!row.next()) {
        return 0; // another replica is publishing
      }
      position = row.getLong(1);
    }
    List<StoredEvent> events = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "select "
                + StoredEvent.COLUMNS
                + " from audit_event where seq > ? order by seq limit "
                + max)) {
      select.setLong(1, position);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(StoredEvent.read(rows));
        }
      }
    }
    // The position stops before the first event Kafka did not acknowledge in time; it and what
    // follows are sent again next time (a consumer may see an event twice, never miss one).
    int acknowledged =
        AcknowledgedBatch.send(
                emitter, events.stream().map(this::message).toList(), Duration.ofSeconds(15))
            .acknowledged();
    if (acknowledged > 0) {
      try (PreparedStatement advance =
          connection.prepareStatement(
              "update audit_publish_position set last_seq = ? where id = 1")) {
        advance.setLong(1, events.get(acknowledged - 1).seq());
        advance.executeUpdate();
      }
    }
    return acknowledged;
  }

  private Message<String> message(StoredEvent event) {
    StringWriter body = new StringWriter(2048);
    try (JsonGenerator out = json.getFactory().createGenerator(body)) {
      event.writeJson(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return Message.of(body.toString())
        .addMetadata(
            OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.agent() == null ? "" : event.agent())
                .build());
  }
}
