package dev.airlock.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

class AcknowledgedBatchTest {

  /** What the broker does with the n-th message sent. */
  private enum Broker {
    ACK,
    NACK,
    SILENT,
    REFUSE
  }

  /** An emitter that acknowledges, rejects, ignores or refuses each message as told. */
  private static final class ScriptedEmitter implements Emitter<String> {
    final IntFunction<Broker> script;
    final List<String> sent = new ArrayList<>();

    ScriptedEmitter(IntFunction<Broker> script) {
      this.script = script;
    }

    @Override
    public <M extends Message<? extends String>> void send(M message) {
      Broker fate = script.apply(sent.size());
      if (fate == Broker.REFUSE) {
        throw new IllegalStateException("buffer full");
      }
      sent.add(message.getPayload());
      if (fate == Broker.ACK) {
        message.ack();
      } else if (fate == Broker.NACK) {
        message.nack(new IllegalStateException("not leader"));
      }
    }

    @Override
    public CompletionStage<Void> send(String payload) {
      send(Message.of(payload));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void complete() {}

    @Override
    public void error(Exception e) {}

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public boolean hasRequests() {
      return true;
    }
  }

  private static List<Message<String>> messages(int count) {
    List<Message<String>> messages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      messages.add(Message.of("m" + i));
    }
    return messages;
  }

  @Test
  void sendsEveryMessageBeforeAnyIsAcknowledgedAndCountsThemAll() {
    ScriptedEmitter emitter = new ScriptedEmitter(n -> Broker.ACK);

    AcknowledgedBatch.Outcome outcome =
        AcknowledgedBatch.send(emitter, messages(5), Duration.ofSeconds(1));

    assertThat(emitter.sent).containsExactly("m0", "m1", "m2", "m3", "m4");
    assertThat(outcome.acknowledged()).isEqualTo(5);
    assertThat(outcome.firstFailure()).isNull();
  }

  @Test
  void countsOnlyThePrefixBeforeTheFirstRejection() {
    // Given: the third message is rejected, the fourth acknowledged anyway
    ScriptedEmitter emitter = new ScriptedEmitter(n -> n == 2 ? Broker.NACK : Broker.ACK);

    AcknowledgedBatch.Outcome outcome =
        AcknowledgedBatch.send(emitter, messages(4), Duration.ofSeconds(1));

    // Then: the caller moves past two; the third and fourth are sent again later
    assertThat(outcome.acknowledged()).isEqualTo(2);
    assertThat(outcome.firstFailure()).hasMessage("not leader");
  }

  @Test
  void stopsSendingWhenTheEmitterRefuses() {
    ScriptedEmitter emitter = new ScriptedEmitter(n -> n == 1 ? Broker.REFUSE : Broker.ACK);

    AcknowledgedBatch.Outcome outcome =
        AcknowledgedBatch.send(emitter, messages(3), Duration.ofSeconds(1));

    assertThat(emitter.sent).containsExactly("m0");
    assertThat(outcome.acknowledged()).isEqualTo(1);
    assertThat(outcome.firstFailure()).hasMessage("buffer full");
  }

  @Test
  void givesUpOnAcknowledgementsThatDoNotComeInTime() {
    ScriptedEmitter emitter = new ScriptedEmitter(n -> n == 0 ? Broker.ACK : Broker.SILENT);

    AcknowledgedBatch.Outcome outcome =
        AcknowledgedBatch.send(emitter, messages(3), Duration.ofMillis(50));

    assertThat(outcome.acknowledged()).isEqualTo(1);
    assertThat(outcome.firstFailure()).isInstanceOf(TimeoutException.class);
  }
}
