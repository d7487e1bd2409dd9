package dev.airlock.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One writer thread that commits in groups: whatever queued while its last batch was being written
 * goes in the next one. The batch writer completes each write's future.
 *
 * <p>Writes nobody waits for may also wait for company: with a linger, a batch of only such writes
 * is held until the first of them has waited that long, so a steady stream of them costs one commit
 * per linger instead of one per write. A write someone waits for ends the linger at once. While
 * lingering the writer sleeps through the writes nobody waits for (it takes them when the linger
 * ends): at 500 calls/s, waking it for each was 500 needless thread wake-ups a second.
 */
final class GroupCommit {

  record Pending(AuditWrite write, CompletableFuture<Void> done, boolean awaited, long queuedAt) {}

  private static final int MAX_BATCH = 500;

  private final String name;
  private final long lingerNanos;
  private final Consumer<List<Pending>> writeBatch;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(100_000);
  private volatile Thread thread;
  private volatile boolean stopping;

  GroupCommit(String name, Consumer<List<Pending>> writeBatch) {
    this(name, Duration.ZERO, writeBatch);
  }

  GroupCommit(String name, Duration linger, Consumer<List<Pending>> writeBatch) {
    this.name = name;
    this.lingerNanos = linger.toNanos();
    this.writeBatch = writeBatch;
  }

  /** A write someone waits for: in the next batch, which does not linger. */
  CompletionStage<Void> enqueue(AuditWrite write) {
    return enqueue(write, true);
  }

  /** A write nobody waits for: its batch may linger for company. */
  CompletionStage<Void> enqueueUnawaited(AuditWrite write) {
    return enqueue(write, false);
  }

  private CompletionStage<Void> enqueue(AuditWrite write, boolean awaited) {
    start();
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!queue.offer(new Pending(write, done, awaited, System.nanoTime()))) {
      done.completeExceptionally(new IllegalStateException("audit queue full"));
    } else if (awaited && lingerNanos > 0) {
      // Ends a linger. An idle writer is woken by the queue itself, whoever waits for the write.
      LockSupport.unpark(thread);
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
        lingerForCompany(batch);
        writeBatch.accept(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void lingerForCompany(List<Pending> batch) throws InterruptedException {
    if (lingerNanos == 0) {
      return;
    }
    long until = batch.get(0).queuedAt() + lingerNanos;
    int checked = 0;
    while (batch.size() < MAX_BATCH && !stopping) {
      for (; checked < batch.size(); checked++) {
        if (batch.get(checked).awaited()) {
          return;
        }
      }
      long wait = until - System.nanoTime();
      if (wait <= 0) {
        queue.drainTo(batch, MAX_BATCH - batch.size());
        return;
      }
      // Woken early only by a write someone waits for (or by stop); the loop re-checks either way.
      LockSupport.parkNanos(this, wait);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      queue.drainTo(batch, MAX_BATCH - batch.size());
    }
  }

  /** Writes what is queued (for up to five seconds), then stops the thread. */
  void stop() throws InterruptedException {
    stopping = true;
    Thread running = thread;
    if (running != null) {
      LockSupport.unpark(running);
      running.join(5000);
    }
  }
}
