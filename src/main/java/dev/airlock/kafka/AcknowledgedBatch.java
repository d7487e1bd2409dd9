package dev.airlock.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sends a batch of messages to Kafka at once, then awaits their acknowledgements in order. Awaiting
 * each before sending the next costs one broker round trip per message; a batch costs about one.
 * Callers publishing from a table (an outbox, the audit trail) move past only the acknowledged
 * prefix, so whatever follows a failure is sent again: delivery is at least once.
 */
public final class AcknowledgedBatch {

  /** How many messages, from the first, Kafka acknowledged; why the next one was not, if any. */
  public record Outcome(int acknowledged, Throwable firstFailure) {}

  private AcknowledgedBatch() {}

  public static Outcome send(
      Emitter<String> emitter, List<Message<String>> messages, Duration within) {
    List<CompletableFuture<Void>> acks = new ArrayList<>(messages.size());
    for (Message<String> message : messages) {
      CompletableFuture<Void> acked = new CompletableFuture<>();
      acks.add(acked);
      try {
        emitter.send(
            message
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
      } catch (RuntimeException e) {
        // The emitter refused (broker away and its buffer full): the rest waits for a later batch.
        acked.completeExceptionally(e);
        break;
      }
    }
    long deadline = System.nanoTime() + within.toNanos();
    int acknowledged = 0;
    for (CompletableFuture<Void> ack : acks) {
      try {
        ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        acknowledged++;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Outcome(acknowledged, e);
      } catch (ExecutionException e) {
        return new Outcome(acknowledged, e.getCause());
      } catch (TimeoutException e) {
        return new Outcome(acknowledged, e);
      }
    }
    return new Outcome(acknowledged, null);
  }
}
