package dev.airlock.audit;

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
import java.util.concurrent.TimeUnit;
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

  int publish(int max) {
    List<Long> sent = new ArrayList<>();
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement select =
          connection.prepareStatement(
              "select "
                  + StoredEvent.COLUMNS
                  + " from audit_event where not published order by seq limit "
                  + max)) {
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            StoredEvent event = StoredEvent.read(rows);
            com.fasterxml.jackson.databind.node.ObjectNode body = json.createObjectNode();
            String[] values = event.values();
            for (int i = 0; i < values.length; i++) {
              body.put(StoredEvent.HEADER[i], values[i]);
            }
            CompletableFuture<Void> acked = new CompletableFuture<>();
            emitter.send(
                Message.of(body.toString())
                    .addMetadata(
                        OutgoingKafkaRecordMetadata.<String>builder()
                            .withKey(event.agent() == null ? "" : event.agent())
                            .build())
                    .withAck(
                        () -> {
                          acked.complete(null);
                          return CompletableFuture.completedFuture(null);
                        })
                    .withNack(
                        error -> {
                          acked.completeExceptionally(error);
                          return CompletableFuture.completedFuture(null);
                        }));
            acked.get(5, TimeUnit.SECONDS);
            sent.add(event.seq());
          }
        }
      } catch (Exception e) {
        // stop at the first unacknowledged event; flag what was acknowledged
      }
      if (!sent.isEmpty()) {
        try (PreparedStatement update =
            connection.prepareStatement(
                "update audit_event set published = true where seq = any(?)")) {
          update.setArray(1, connection.createArrayOf("bigint", sent.toArray()));
          update.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return sent.size();
  }
}
