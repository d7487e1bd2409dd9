package dev.airlock.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One writer thread that commits in groups: whatever queued while its last batch was being written
 * goes in the next one. The batch writer completes each write's future.
 */
final class GroupCommit {

  record Pending(AuditWrite write, CompletableFuture<Void> done) {}

  private static final int MAX_BATCH = 500;

  private final String name;
  private final Consumer<List<Pending>> writeBatch;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(100_000);
  private volatile Thread thread;
  private volatile boolean stopping;

  GroupCommit(String name, Consumer<List<Pending>> writeBatch) {
    this.name = name;
    this.writeBatch = writeBatch;
  }

  CompletionStage<Void> enqueue(AuditWrite write) {
    start();
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!queue.offer(new Pending(write, done))) {
      done.completeExceptionally(new IllegalStateException("audit queue full"));
    }
    return done;
  }

  private synchronized void start() {
    if (thread == null) {
      thread = new Thread(this::drain, name);
      thread.setDaemon(true);
      thread.start();
    }
  }

  private void drain() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (!stopping || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        writeBatch.accept(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  /** Writes what is queued (for up to five seconds), then stops the thread. */
  void stop() throws InterruptedException {
    stopping = true;
    Thread running = thread;
    if (running != null) {
      running.join(5000);
    }
  }
}
