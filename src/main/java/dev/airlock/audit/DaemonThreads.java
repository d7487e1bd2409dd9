package dev.airlock.audit;

import java.util.concurrent.ThreadFactory;

/** Threads for the audit trail's background work: named for thread dumps, never holding exit. */
final class DaemonThreads {

  private DaemonThreads() {}

  static ThreadFactory named(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
