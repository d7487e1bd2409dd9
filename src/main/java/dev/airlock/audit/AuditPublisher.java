package dev.airlock.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes committed audit events to {@code airlock.audit} (key: agent) for SIEM pipelines. An
 * event is flagged published only after Kafka acknowledged it, so an outage delays, never loses.
 */
@ApplicationScoped
public class AuditPublisher {

  @Inject AgroalDataSource dataSource;

  @Inject
  @Channel("audit-out")
  Emitter<String> emitter;

  @Inject com.fasterxml.jackson.databind.ObjectMapper json;

  @Scheduled(
      every = "${airlock.audit.publish-interval:500ms}",
      // Not before start-up has finished: until then the Kafka emitter is not wired.
      skipExecutionIf = Scheduled.ApplicationNotRunning.class,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    try {
      publish(500);
    } catch (RuntimeException e) {
      // Kafka or the database is away; the next tick retries.
    }
  }

  /**
   * Publishes up to {@code max} unpublished events: all sent at once, then their acknowledgements
   * awaited. Awaiting each before sending the next capped publishing at one broker round trip per
   * event (about 200 events/s with the producer's 5 ms linger), below the rate allowed calls
   * produce events, so the topic fell ever further behind under load.
   */
  int publish(int max) {
    List<StoredEvent> events = new ArrayList<>();
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement select =
              connection.prepareStatement(
                  "select "
                      + StoredEvent.COLUMNS
                      + " from audit_event where not published order by seq limit "
                      + max);
          ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          events.add(StoredEvent.read(rows));
        }
      }
      List<Long> sent = acknowledged(events);
      if (!sent.isEmpty()) {
        try (PreparedStatement update =
            connection.prepareStatement(
                "update audit_event set published = true where seq = any(?)")) {
          update.setArray(1, connection.createArrayOf("bigint", sent.toArray()));
          update.executeUpdate();
        }
      }
      return sent.size();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends every event, then returns the sequence numbers of those Kafka acknowledged within the
   * producer's delivery timeout; the others stay unpublished for the next tick (a consumer may then
   * see an event twice, never miss one).
   */
  private List<Long> acknowledged(List<StoredEvent> events) {
    List<CompletableFuture<Long>> acks = new ArrayList<>(events.size());
    for (StoredEvent event : events) {
      CompletableFuture<Long> acked = new CompletableFuture<>();
      acks.add(acked);
      try {
        emitter.send(message(event, acked));
      } catch (RuntimeException e) {
        // the emitter refused (broker away and its buffer full): the rest waits for the next tick
        acked.completeExceptionally(e);
        break;
      }
    }
    List<Long> sent = new ArrayList<>(acks.size());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (CompletableFuture<Long> ack : acks) {
      try {
        sent.add(ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException e) {
        // not acknowledged: stays unpublished
      }
    }
    return sent;
  }

  private Message<String> message(StoredEvent event, CompletableFuture<Long> acked) {
    ObjectNode body = json.createObjectNode();
    String[] values = event.values();
    for (int i = 0; i < values.length; i++) {
      body.put(StoredEvent.HEADER[i], values[i]);
    }
    return Message.of(body.toString())
        .addMetadata(
            OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.agent() == null ? "" : event.agent())
                .build())
        .withAck(
            () -> {
              acked.complete(event.seq());
              return CompletableFuture.completedFuture(null);
            })
        .withNack(
            error -> {
              acked.completeExceptionally(error);
              return CompletableFuture.completedFuture(null);
            });
  }
}
