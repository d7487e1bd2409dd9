package dev.airlock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used so far by a HotSpot JVM's JIT compiler threads ({@code C1/C2 CompilerThre…} in
 * {@code /proc/PID/task/TID/comm}). On two cores the compiler competes with the measured calls for
 * minutes after a start; a warm-up that waits until it is quiet measures the code, not its
 * compilation.
 */
final class JitActivity {

  private static final double MILLIS_PER_TICK = 10;

  private final long pid;

  JitActivity(long pid) {
    this.pid = pid;
  }

  /** Milliseconds of CPU the compiler threads have used, user plus system. */
  double millis() throws IOException {
    long ticks = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
            continue;
          }
          String stat = Files.readString(task.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException gone) {
          // A compiler thread that exited while we listed (HotSpot adds and removes them).
        }
      }
    }
    return ticks * MILLIS_PER_TICK;
  }
}
