package dev.airlock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * CPU time used by some processes and their descendants, read from Linux's {@code /proc} (user plus
 * system, in clock ticks of 10 ms), and their threads' context switches. Per call they are steadier
 * figures than a tail latency on a busy machine: they do not depend on who else wanted the cores at
 * that moment.
 */
final class ProcessCpu {

  private static final double MICROS_PER_TICK = 10_000;

  private final List<Long> roots;

  ProcessCpu(List<Long> roots) {
    this.roots = List.copyOf(roots);
  }

  /**
   * {@code --cpu-of 123,456}: those processes and what they started (PostgreSQL's backends). Empty
   * entries are skipped, so a {@code pgrep} that found nothing leaves the others measured.
   */
  static ProcessCpu parse(String pids) {
    return new ProcessCpu(
        Stream.of(pids.split(","))
            .map(String::trim)
            .filter(pid -> !pid.isEmpty())
            .map(Long::valueOf)
            .toList());
  }

  /** Microseconds of CPU used so far by the roots, their live descendants and reaped children. */
  double micros() throws IOException {
    long ticks = 0;
    for (long[] stat : measured().values()) {
      ticks += stat[0] + stat[1];
    }
    return ticks * MICROS_PER_TICK;
  }

  /**
   * Context switches: all of them, and those where the kernel took the core away from a thread that
   * could still run (pre-empted, rather than waiting for something).
   */
  record Switches(long all, long preempted) {
    Switches plus(Switches other) {
      return new Switches(all + other.all, preempted + other.preempted);
    }

    /** Since {@code earlier} (none: a thread started since), never negative. */
    Switches since(Switches earlier) {
      return earlier == null
          ? this
          : new Switches(
              Math.max(0, all - earlier.all), Math.max(0, preempted - earlier.preempted));
    }
  }

  /** A thread's name (as Linux shows it, at most 15 characters) and its switches so far. */
  record ThreadSwitches(String name, Switches switches) {}

  /**
   * Context switches so far of each live thread of the roots and their live descendants, voluntary
   * and not, by thread id: each time a thread gave up its core, mostly to wait for another thread
   * or a socket. Per call, it counts the hand-offs between threads and processes a call costs.
   */
  Map<Long, ThreadSwitches> contextSwitches() throws IOException {
    Map<Long, ThreadSwitches> byThread = new HashMap<>();
    for (long pid : measured().keySet()) {
      try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : tasks.toList()) {
          long waited = 0;
          long preempted = 0;
          String name;
          try {
            name = Files.readString(task.resolve("comm")).trim();
            for (String line : Files.readAllLines(task.resolve("status"))) {
              if (line.startsWith("voluntary_ctxt_switches:")) {
                waited = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
              } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                preempted = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
              }
            }
          } catch (IOException gone) {
            continue; // the thread ended while we listed
          }
          byThread.put(
              Long.valueOf(task.getFileName().toString()),
              new ThreadSwitches(name, new Switches(waited + preempted, preempted)));
        }
      } catch (IOException gone) {
        // the process ended while we listed
      }
    }
    return byThread;
  }

  /**
   * The context switches since {@code before} of the threads alive now (a thread started since
   * counts all of its own), summed by thread name with its digits replaced by {@code #}, so that a
   * pool's threads count as one: which threads the hand-offs are. A thread that ended in between
   * takes its count with it, so this undercounts rather than going negative.
   */
  Map<String, Switches> contextSwitchesByNameSince(Map<Long, ThreadSwitches> before)
      throws IOException {
    Map<String, Switches> byName = new HashMap<>();
    for (Map.Entry<Long, ThreadSwitches> thread : contextSwitches().entrySet()) {
      ThreadSwitches now = thread.getValue();
      ThreadSwitches earlier = before.get(thread.getKey());
      Switches since = now.switches().since(earlier == null ? null : earlier.switches());
      byName.merge(now.name().replaceAll("[0-9]+", "#"), since, Switches::plus);
    }
    return byName;
  }

  /** The roots and their live descendants, each with its own and its reaped children's ticks. */
  private Map<Long, long[]> measured() throws IOException {
    Map<Long, long[]> stats = new HashMap<>();
    Map<Long, List<Long>> children = new HashMap<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String stat;
        try {
          stat = Files.readString(entry.resolve("stat"));
        } catch (IOException gone) {
          continue; // exited while we listed
        }
        // Fields after the command name, which is in parentheses and may contain spaces.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long pid = Long.parseLong(name);
        long parent = Long.parseLong(fields[1]);
        long own = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        long reaped = Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        stats.put(pid, new long[] {own, reaped});
        children.computeIfAbsent(parent, p -> new ArrayList<>()).add(pid);
      }
    }
    Map<Long, long[]> measured = new HashMap<>();
    Set<Long> seen = new HashSet<>();
    List<Long> todo = new ArrayList<>(roots);
    for (int i = 0; i < todo.size() && i < 10_000; i++) {
      long pid = todo.get(i);
      long[] stat = stats.get(pid);
      if (stat == null || !seen.add(pid)) {
        continue;
      }
      measured.put(pid, stat);
      todo.addAll(children.getOrDefault(pid, List.of()));
    }
    return measured;
  }
}
