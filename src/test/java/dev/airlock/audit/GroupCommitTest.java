package dev.airlock.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

  private static AuditWrite intent(String id) {
    return new AuditWrite.Intent(id, Instant.EPOCH, null);
  }

  @Test
  void writesQueuedWhileABatchIsWrittenGoTogetherInTheNext() throws Exception {
    CountDownLatch firstBatchStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstBatch = new CountDownLatch(1);
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    GroupCommit writer =
        new GroupCommit(
            "test-writer",
            batch -> {
              batches.add(batch.stream().map(p -> ((AuditWrite.Intent) p.write()).id()).toList());
              firstBatchStarted.countDown();
              try {
                releaseFirstBatch.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              batch.forEach(p -> p.done().complete(null));
            });

    // Given a first write whose batch is being written
    CompletableFuture<Void> first = writer.enqueue(intent("a")).toCompletableFuture();
    assertThat(firstBatchStarted.await(10, TimeUnit.SECONDS)).isTrue();
    // When three more arrive meanwhile
    List<CompletableFuture<Void>> later = new ArrayList<>();
    for (String id : List.of("b", "c", "d")) {
      later.add(writer.enqueue(intent(id)).toCompletableFuture());
    }
    assertThat(later).noneMatch(CompletableFuture::isDone);
    releaseFirstBatch.countDown();

    // Then they are written in one batch, and every write is done
    CompletableFuture.allOf(later.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(first).isCompleted();
    assertThat(batches).containsExactly(List.of("a"), List.of("b", "c", "d"));
    writer.stop();
  }

  @Test
  void stoppingWritesWhatIsStillQueued() throws Exception {
    CountDownLatch firstBatchStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstBatch = new CountDownLatch(1);
    List<String> written = new CopyOnWriteArrayList<>();
    GroupCommit writer =
        new GroupCommit(
            "test-writer",
            batch -> {
              firstBatchStarted.countDown();
              try {
                releaseFirstBatch.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              batch.forEach(
                  p -> {
                    written.add(((AuditWrite.Intent) p.write()).id());
                    p.done().complete(null);
                  });
            });
    // Given a batch being written and 49 writes queued behind it
    List<CompletableFuture<Void>> done = new ArrayList<>();
    done.add(writer.enqueue(intent("w0")).toCompletableFuture());
    assertThat(firstBatchStarted.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 1; i < 50; i++) {
      done.add(writer.enqueue(intent("w" + i)).toCompletableFuture());
    }

    // When the application stops meanwhile
    Thread stopping =
        new Thread(
            () -> {
              try {
                writer.stop();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    stopping.start();
    releaseFirstBatch.countDown();
    stopping.join(10_000);

    // Then stop returned only after every queued write was written
    assertThat(stopping.isAlive()).isFalse();
    assertThat(done).allMatch(CompletableFuture::isDone);
    assertThat(written).hasSize(50).startsWith("w0").endsWith("w49");
  }

  @Test
  void unawaitedWritesLingerForCompanyAndShareOneBatch() throws Exception {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    GroupCommit writer = recording(Duration.ofSeconds(2), batches);

    // Given writes nobody waits for, arriving one after another within the linger
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (String id : List.of("e1", "e2", "e3")) {
      done.add(writer.enqueueUnawaited(intent(id)).toCompletableFuture());
      Thread.sleep(20);
    }

    // Then they are committed together, once the first has waited out the linger
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(batches).containsExactly(List.of("e1", "e2", "e3"));
    writer.stop();
  }

  @Test
  void aWriteSomeoneWaitsForEndsTheLingerAtOnce() throws Exception {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    GroupCommit writer = recording(Duration.ofMinutes(10), batches);

    // Given an unawaited write lingering for ten minutes
    CompletableFuture<Void> lingering =
        writer.enqueueUnawaited(intent("later")).toCompletableFuture();
    // When a write someone waits for arrives
    CompletableFuture<Void> awaited = writer.enqueue(intent("now")).toCompletableFuture();

    // Then both are written in the same batch, long before the linger is out
    awaited.get(10, TimeUnit.SECONDS);
    assertThat(lingering).isCompleted();
    assertThat(batches).containsExactly(List.of("later", "now"));
    writer.stop();
  }

  @Test
  void withoutALingerAnUnawaitedWriteIsWrittenAtOnce() throws Exception {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    GroupCommit writer = recording(Duration.ZERO, batches);

    writer.enqueueUnawaited(intent("alone")).toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(batches).containsExactly(List.of("alone"));
    writer.stop();
  }

  private static GroupCommit recording(Duration linger, List<List<String>> batches) {
    return new GroupCommit(
        "test-writer",
        linger,
        batch -> {
          batches.add(batch.stream().map(p -> ((AuditWrite.Intent) p.write()).id()).toList());
          batch.forEach(p -> p.done().complete(null));
        });
  }
}
