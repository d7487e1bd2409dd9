package dev.airlock.audit;

import static org.assertj.core.api.Assertions.assertThat;

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
}
